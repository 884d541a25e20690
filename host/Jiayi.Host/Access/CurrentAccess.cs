using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Jiayi.Host.Access;

/// <summary>
/// The signed-in user's access for Blazor pages, read afresh each time a page asks (so a role change shows
/// at the next page), or null when the account is gone, disabled or changed since sign-in.
/// </summary>
public sealed class CurrentAccess(AuthenticationStateProvider authentication, AccessService accessService, NavigationManager navigation)
{
    /// <summary>The user's access; when there is none (signed out elsewhere, disabled, password changed), back to the login page.</summary>
    public async Task<AccessInfo?> RequireAsync(CancellationToken cancellationToken = default)
    {
        var access = await GetAsync(cancellationToken);
        if (access is null)
        {
            navigation.NavigateTo("/account/logout", forceLoad: true);
        }

        return access;
    }

    public async Task<AccessInfo?> GetAsync(CancellationToken cancellationToken = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.Identity?.IsAuthenticated == true ? await accessService.GetAsync(state.User, cancellationToken) : null;
    }
}
