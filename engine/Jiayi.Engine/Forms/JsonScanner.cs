using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Jiayi.Engine.Forms;

/// <summary>
/// A forward scanner over JSON text that is already known to be valid — the UTF-8 text of a
/// <see cref="JsonElement"/>, which its document checked when it was parsed. It does not validate again,
/// which makes it several times cheaper per token than <see cref="Utf8JsonReader"/> or element-by-element
/// access; it must never be given unchecked input.
/// </summary>
internal ref struct JsonScanner
{

    private readonly ReadOnlySpan<byte> _json;
    private int _position;

    public JsonScanner(ReadOnlySpan<byte> validJson)
    {
        _json = validJson;
    }

    /// <summary>The kind of the value that starts at the current position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public JsonValueKind Kind()
    {
        SkipWhitespace();
        return _json[_position] switch
        {
            (byte)'{' => JsonValueKind.Object,
            (byte)'[' => JsonValueKind.Array,
            (byte)'"' => JsonValueKind.String,
            (byte)'t' => JsonValueKind.True,
            (byte)'f' => JsonValueKind.False,
            (byte)'n' => JsonValueKind.Null,
            _ => JsonValueKind.Number,
        };
    }

    /// <summary>Steps into the object that starts here.</summary>
    public void BeginObject()
    {
        SkipWhitespace();
        _position++;
    }

    /// <summary>Reads the next property name of the current object and steps onto its value; false at the object's end.</summary>
    public bool NextProperty(out ReadOnlySpan<byte> rawName, out bool escaped)
    {
        if (!NextMember((byte)'}'))
        {
            rawName = default;
            escaped = false;
            return false;
        }

        rawName = ReadPropertyName(out escaped);
        return true;
    }

    /// <summary>Moves to the next property of the current object; false at the object's end. Follow with <see cref="TryConsumeName"/> or <see cref="ReadPropertyName"/>.</summary>
    public bool NextPropertyStart() => NextMember((byte)'}');

    /// <summary>
    /// Steps over the property name and colon if they are exactly <paramref name="quotedNameAndColon"/>
    /// (<c>"sbp":</c>): one comparison instead of reading the name, for the field a client most likely sent next.
    /// </summary>
    public bool TryConsumeName(ReadOnlySpan<byte> quotedNameAndColon)
    {
        if (!_json[_position..].StartsWith(quotedNameAndColon))
        {
            return false;
        }

        _position += quotedNameAndColon.Length;
        return true;
    }

    /// <summary>Reads a property name (raw, still escaped) and steps over the colon onto its value.</summary>
    public ReadOnlySpan<byte> ReadPropertyName(out bool escaped)
    {
        var name = ReadString(out escaped);
        SkipWhitespace();
        _position++; // ':'
        return name;
    }

    /// <summary>Steps into the array that starts here.</summary>
    public void BeginArray()
    {
        SkipWhitespace();
        _position++;
    }

    /// <summary>Steps onto the next element of the current array; false at the array's end.</summary>
    public bool NextElement() => NextMember((byte)']');

    private bool NextMember(byte close)
    {
        SkipWhitespace();
        var b = _json[_position];
        if (b == close)
        {
            _position++;
            return false;
        }

        if (b == (byte)',')
        {
            _position++;
            SkipWhitespace();
        }

        return true;
    }

    /// <summary>Reads the string here: its raw (still escaped) content without quotes.</summary>
    public ReadOnlySpan<byte> ReadString(out bool escaped) => ReadString(out escaped, out _);

    /// <summary>
    /// Reads the string here: its raw (still escaped) content without quotes, whether it has escapes, and
    /// whether one of them is U+0000 (which PostgreSQL cannot store), in the same pass.
    /// </summary>
    public ReadOnlySpan<byte> ReadString(out bool escaped, out bool nul)
    {
        SkipWhitespace();
        var start = ++_position;
        escaped = false;
        nul = false;
        // Field names, codes and dates are short: a plain loop beats a vectorised search here.
        var json = _json;
        var i = start;
        while (true)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                _position = i + 1;
                return json[start..i];
            }

            if (b == (byte)'\\')
            {
                escaped = true;
                if (json[i + 1] == (byte)'u')
                {
                    nul |= json[i + 2] == (byte)'0' && json[i + 3] == (byte)'0' && json[i + 4] == (byte)'0' && json[i + 5] == (byte)'0';
                    i += 6;
                }
                else
                {
                    i += 2;
                }

                continue;
            }

            i++;
        }
    }

    /// <summary>Decodes a string read by <see cref="ReadString"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return System.Text.Encoding.UTF8.GetString(raw);
        }

        // Rare: let the framework unescape, on a copy that includes the quotes.
        Span<byte> quoted = raw.Length <= 256 ? stackalloc byte[raw.Length + 2] : new byte[raw.Length + 2];
        quoted[0] = (byte)'"';
        raw.CopyTo(quoted[1..]);
        quoted[^1] = (byte)'"';
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>
    /// Reads a one-digit number (most national option codes: 1 门诊, 2 家庭 …) without scanning; false, and
    /// nothing consumed, for anything else.
    /// </summary>
    public bool TryReadDigit(out int digit)
    {
        SkipWhitespace();
        var json = _json;
        var i = _position;
        digit = json[i] - '0';
        if ((uint)digit > 9 || (i + 1 < json.Length && json[i + 1] is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'e' or (byte)'E'))
        {
            return false;
        }

        _position = i + 1;
        return true;
    }

    /// <summary>Reads the number here as its text.</summary>
    public ReadOnlySpan<byte> ReadNumber()
    {
        SkipWhitespace();
        var json = _json;
        var start = _position;
        var i = start;
        while (i < json.Length && json[i] is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E')
        {
            i++;
        }

        _position = i;
        return json[start..i];
    }

    /// <summary>An integer written with plain digits (the usual option code), else a full parse.</summary>
    public static bool TryInt32(ReadOnlySpan<byte> number, out int value)
    {
        if (number.Length is > 0 and <= 9)
        {
            var result = 0;
            foreach (var b in number)
            {
                var digit = b - '0';
                if ((uint)digit > 9)
                {
                    return Utf8Parser.TryParse(number, out value, out var used) && used == number.Length;
                }

                result = (result * 10) + digit;
            }

            value = result;
            return true;
        }

        return Utf8Parser.TryParse(number, out value, out var consumed) && consumed == number.Length;
    }

    public static bool TryInt64(ReadOnlySpan<byte> number, out long value) =>
        Utf8Parser.TryParse(number, out value, out var consumed) && consumed == number.Length;

    /// <summary>Parses a JSON number as a decimal; false when it is outside decimal's range.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> number, out decimal value) =>
        TryPlainDecimal(number, out value) || TryParsedDecimal(number, out value);

    /// <summary>"72.5"-style numbers (up to 18 digits, no exponent) without the general parser.</summary>
    private static bool TryPlainDecimal(ReadOnlySpan<byte> number, out decimal value)
    {
        value = default;
        var negative = number.Length > 0 && number[0] == (byte)'-';
        var digits = 0;
        var scale = -1;
        long mantissa = 0;
        for (var i = negative ? 1 : 0; i < number.Length; i++)
        {
            var b = number[i];
            if (b == (byte)'.' && scale < 0)
            {
                scale = 0;
                continue;
            }

            var digit = b - '0';
            if ((uint)digit > 9 || ++digits > 18)
            {
                return false;
            }

            mantissa = (mantissa * 10) + digit;
            if (scale >= 0)
            {
                scale++;
            }
        }

        if (digits == 0 || scale == 0)
        {
            return false;
        }

        value = new decimal((int)mantissa, (int)(mantissa >> 32), 0, negative, (byte)Math.Max(scale, 0));
        return true;
    }

    private static bool TryParsedDecimal(ReadOnlySpan<byte> number, out decimal value) =>
        Utf8Parser.TryParse(number, out value, out var consumed, number.IndexOfAny((byte)'e', (byte)'E') >= 0 ? 'E' : default) && consumed == number.Length;

    /// <summary>Steps over the value here, whatever it is.</summary>
    public void Skip()
    {
        switch (Kind())
        {
            case JsonValueKind.String:
                ReadString(out _);
                return;
            case JsonValueKind.Number:
                ReadNumber();
                return;
            case JsonValueKind.True or JsonValueKind.Null:
                _position += 4;
                return;
            case JsonValueKind.False:
                _position += 5;
                return;
        }

        // An object or array: count brackets, stepping over strings (which may contain brackets).
        var depth = 0;
        while (true)
        {
            var b = _json[_position];
            if (b == (byte)'"')
            {
                ReadString(out _);
                continue;
            }

            _position++;
            if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' && --depth == 0)
            {
                return;
            }
        }
    }

    /// <summary>Compact JSON (what apps and the serializer send) has no whitespace: that case is inlined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        if ((uint)_position < (uint)_json.Length && _json[_position] > (byte)' ')
        {
            return;
        }

        SkipWhitespaceSlow();
    }

    private void SkipWhitespaceSlow()
    {
        var json = _json;
        var i = _position;
        while ((uint)i < (uint)json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        _position = i;
    }
}
