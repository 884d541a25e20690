using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Jiayi.Host.Security;

/// <summary>
/// Encrypts personal identifiers at rest (AES-256-GCM, a fresh nonce per value) and makes a keyed hash
/// (HMAC-SHA256) for exact-match search and duplicate checks. Keys come from configuration
/// (<c>Security:EncryptionKey</c>, <c>Security:HashKey</c>, base64, 32 bytes each); when they are not set,
/// outside Production, a key file in the data folder is created once and reused.
/// </summary>
public sealed class FieldProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const byte FormatVersion = 1;

    private readonly byte[] _encryptionKey;
    private readonly byte[] _hashKey;

    public FieldProtector(byte[] encryptionKey, byte[] hashKey)
    {
        if (encryptionKey is not { Length: 32 } || hashKey is not { Length: 32 })
        {
            throw new ArgumentException("Encryption and hash keys must be 32 bytes each.");
        }

        _encryptionKey = encryptionKey;
        _hashKey = hashKey;
    }

    public byte[] Encrypt(string plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var data = Encoding.UTF8.GetBytes(plain);
        var result = new byte[1 + NonceSize + TagSize + data.Length];
        result[0] = FormatVersion;
        var nonce = result.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(nonce, data, result.AsSpan(1 + NonceSize + TagSize), result.AsSpan(1 + NonceSize, TagSize));
        return result;
    }

    public string Decrypt(byte[] cipher)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (cipher.Length < 1 + NonceSize + TagSize || cipher[0] != FormatVersion)
        {
            throw new CryptographicException("Unknown cipher format.");
        }

        var plain = new byte[cipher.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Decrypt(cipher.AsSpan(1, NonceSize), cipher.AsSpan(1 + NonceSize + TagSize), cipher.AsSpan(1 + NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Keyed hash of a normalised value, lower-case hex: equal values, equal hashes; unguessable without the key.</summary>
    public string Hash(string normalized) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(normalized)));

    /// <summary>Builds the protector from configuration, or from a key file kept beside the database outside Production.</summary>
    public static FieldProtector FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var encryption = configuration["Security:EncryptionKey"];
        var hash = configuration["Security:HashKey"];
        if (!string.IsNullOrWhiteSpace(encryption) && !string.IsNullOrWhiteSpace(hash))
        {
            return new FieldProtector(Convert.FromBase64String(encryption), Convert.FromBase64String(hash));
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException("Security:EncryptionKey and Security:HashKey (base64, 32 bytes each) must be configured in Production: they protect ID and phone numbers at rest. Generate them with `openssl rand -base64 32`.");
        }

        var folder = Path.Combine(environment.ContentRootPath, "data");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "field-keys.json");
        if (!File.Exists(file))
        {
            var keys = new Dictionary<string, string>
            {
                ["EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["HashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            };
            File.WriteAllText(file, JsonSerializer.Serialize(keys));
        }

        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!;
        return new FieldProtector(Convert.FromBase64String(stored["EncryptionKey"]), Convert.FromBase64String(stored["HashKey"]));
    }
}
