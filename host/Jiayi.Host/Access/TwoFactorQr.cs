using QRCoder;

namespace Jiayi.Host.Access;

/// <summary>The QR code an authenticator app scans to add the account (otpauth URI, RFC 6238 TOTP, 6 digits, 30 s).</summary>
public static class TwoFactorQr
{
    public const string Issuer = "家医";

    public static string Uri(string userName, string key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(userName)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6";

    public static string DataUri(string userName, string key)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(Uri(userName, key), QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
