using Jiayi.Host.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Jiayi.Host.Audit;

/// <summary>
/// Names the actor of every event a Blazor circuit handles (a click, a form submit), so that what a page
/// writes or reads is logged with its user, organisation and IP like an API request.
/// </summary>
public sealed class AuditCircuitHandler(AuthenticationStateProvider authentication, AccessService accessService, IHttpContextAccessor httpContext) : CircuitHandler
{
    private AuditActor? _actor;
    private string? _ip;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The SignalR connection's request: the only moment the circuit sees the client's address.
        _ip ??= httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            _actor ??= await ActorAsync();
            using var scope = AuditContext.Use(_actor);
            await next(context);
        };

    private async Task<AuditActor> ActorAsync()
    {
        _ip ??= httpContext.HttpContext?.Connection.RemoteIpAddress?.ToString();
        var state = await authentication.GetAuthenticationStateAsync();
        var access = await accessService.GetAsync(state.User, CancellationToken.None);
        return access is null
            ? new AuditActor(null, state.User.Identity?.Name, null, _ip)
            : new AuditActor(access.UserId, access.UserName, access.OrgPath, _ip);
    }
}
