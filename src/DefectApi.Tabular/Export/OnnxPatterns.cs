using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace DefectApi.Tabular.Export;

/// <summary>
/// RE2 patterns (github.com/google/re2/wiki/Syntax) for RegexFullMatch that accept exactly the strings the service
/// accepts. The service trims with string.Trim (char.IsWhiteSpace) and compares words with OrdinalIgnoreCase; both
/// character sets are enumerated from .NET itself here, so the pattern agrees with it by construction rather than
/// by a hand-written list. Every character outside [A-Za-z0-9] is written as \x{code point}, so no text can be
/// read as regex syntax.
/// </summary>
internal static class OnnxPatterns
{
    private static readonly Lazy<string> WhitespaceClass = new(() => ClassOf(c => char.IsWhiteSpace(c)));

    /// <summary>Matches <paramref name="text"/> with any surrounding whitespace.</summary>
    public static string Trimmed(string text) => WithSurroundingWhitespace(Literal(text));

    /// <summary>Matches any of the texts, with any surrounding whitespace.</summary>
    public static string TrimmedAnyOf(IEnumerable<string> texts) =>
        WithSurroundingWhitespace($"(?:{string.Join('|', texts.Select(Literal))})");

    /// <summary>Matches any of the words, ignoring case as OrdinalIgnoreCase does, with any surrounding whitespace.</summary>
    public static string TrimmedAnyWordIgnoringCase(IEnumerable<string> words) =>
        WithSurroundingWhitespace($"(?:{string.Join('|', words.Select(w => string.Concat(w.Select(CaseInsensitive))))})");

    private static string WithSurroundingWhitespace(string core) => $"{WhitespaceClass.Value}*{core}{WhitespaceClass.Value}*";

    /// <exception cref="OnnxExportException">for text that is not valid UTF-16 (a lone surrogate), which RE2 cannot hold</exception>
    private static string Literal(string text)
    {
        var pattern = new StringBuilder();
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new OnnxExportException("category text", $"The category '{text}' is not valid Unicode text, which an ONNX " +
                    "string pattern cannot hold.");
            pattern.Append(CodePoint(rune.Value));
            i += used;
        }
        return pattern.ToString();
    }

    private static string CodePoint(int value) =>
        value < 128
        && char.IsAsciiLetterOrDigit((char)value) ? ((char)value).ToString()
        : $"\\x{{{value.ToString("X", CultureInfo.InvariantCulture)}}}";

    /// <summary>Every character that OrdinalIgnoreCase holds equal to <paramref name="letter"/> (for 'i' that includes
    /// the dotless ı, whose upper case is I).</summary>
    private static string CaseInsensitive(char letter) => LetterClasses.GetOrAdd(letter, l => ClassOf(c =>
        new ReadOnlySpan<char>(in c).Equals(new ReadOnlySpan<char>(in l), StringComparison.OrdinalIgnoreCase)));

    private static readonly ConcurrentDictionary<char, string> LetterClasses = new();

    /// <summary>A character class of the UTF-16 code units (surrogates aside) that satisfy the test, as ranges.</summary>
    private static string ClassOf(Func<char, bool> test)
    {
        var pattern = new StringBuilder("[");
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c) || !test((char)c)) continue;
            int end = c;
            while (end < char.MaxValue && !char.IsSurrogate((char)(end + 1)) && test((char)(end + 1))) end++;
            pattern.Append(CodePoint(c));
            if (end > c) pattern.Append('-').Append(CodePoint(end));
            c = end;
        }
        return pattern.Append(']').ToString();
    }
}
