using System.Net;

namespace AgentMail.Mime.Summary;

/// <summary>HTML to plain text (for snippets and search) and plain text to safe HTML.</summary>
public static class HtmlText
{
    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "hr",
        "pre", "section", "article", "header", "footer", "ul", "ol", "dl", "dd", "dt", "address", "center",
        "form", "fieldset", "nav", "aside", "main", "figure", "figcaption", "body", "html",
    };

    /// <summary>
    /// Text content of HTML: tags removed, script/style/head contents dropped, block elements
    /// as line breaks, table cells as spaces, entities decoded. At most <paramref name="maxChars"/>
    /// characters of output are produced.
    /// </summary>
    public static string ToText(string html, int maxChars = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(html);
        var raw = new StringBuilder(Math.Min(html.Length, 64 * 1024));
        var i = 0;
        // Entities can shrink but never grow text, so 8x the limit of raw text is plenty.
        var rawLimit = maxChars >= int.MaxValue / 8 ? int.MaxValue : maxChars * 8L + 16;
        while (i < html.Length && raw.Length < rawLimit)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                raw.Append(html, i, html.Length - i);
                break;
            }
            raw.Append(html, i, lt - i);
            i = lt;
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }
            var close = html.IndexOf('>', i + 1);
            if (close < 0) { i = html.Length; break; }
            var (name, isEnd) = TagName(html, i + 1, close);
            i = close + 1;
            if (name.Length == 0) continue;
            if (!isEnd && SkippedElements.Contains(name))
            {
                var endTag = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                if (endTag < 0) { i = html.Length; break; }
                var endClose = html.IndexOf('>', endTag);
                i = endClose < 0 ? html.Length : endClose + 1;
                continue;
            }
            if (BlockElements.Contains(name)) raw.Append('\n');
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)) raw.Append(' ');
        }
        var text = WebUtility.HtmlDecode(raw.ToString());
        return Truncate(NormalizeLines(text), maxChars);
    }

    /// <summary>Escapes text for HTML and turns its line breaks into &lt;br&gt;.</summary>
    public static string FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var html = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                    html.Append("<br>");
                    break;
                case '\n': html.Append("<br>"); break;
                default: html.Append(c); break;
            }
        }
        return html.ToString();
    }

    /// <summary>Collapses all white space (NBSP included) to single spaces and trims.</summary>
    public static string CollapseWhitespace(string text, int maxChars = int.MaxValue)
    {
        var result = new StringBuilder(Math.Min(text.Length, maxChars == int.MaxValue ? text.Length : maxChars + 1));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0' || char.IsControl(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }
            if (pendingSpace) result.Append(' ');
            pendingSpace = false;
            result.Append(c);
            if (result.Length >= maxChars) break;
        }
        return Truncate(result.ToString(), maxChars);
    }

    /// <summary>Cuts to at most <paramref name="maxChars"/> without splitting a surrogate pair.</summary>
    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var cut = maxChars;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut];
    }

    private static (string Name, bool IsEnd) TagName(string html, int start, int end)
    {
        var i = start;
        var isEnd = false;
        if (i < end && html[i] == '/') { isEnd = true; i++; }
        var nameStart = i;
        while (i < end && (char.IsAsciiLetterOrDigit(html[i]) || html[i] is '-' or ':')) i++;
        return (html[nameStart..i], isEnd);
    }

    /// <summary>Spaces and tabs collapse within lines; at most one blank line in a row.</summary>
    private static string NormalizeLines(string text)
    {
        var result = new StringBuilder(text.Length);
        var newlines = 0;
        var space = false;
        foreach (var raw in text)
        {
            var c = raw == '\u00A0' ? ' ' : raw;
            if (c is '\n' or '\r')
            {
                if (c == '\n') newlines++;
                space = false;
                continue;
            }
            if (c is ' ' or '\t' || char.IsControl(c))
            {
                space = true;
                continue;
            }
            if (result.Length > 0)
            {
                if (newlines > 0) result.Append(newlines > 1 ? "\n\n" : "\n");
                else if (space) result.Append(' ');
            }
            newlines = 0;
            space = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
