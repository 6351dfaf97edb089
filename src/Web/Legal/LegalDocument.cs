namespace ItSchool.Web.Legal;

/// <summary>
/// A legal text as the manager types it — plain text, never HTML: a line starting with "# " is a heading, one
/// starting with "- " an item of a list, a blank line ends a paragraph. The blocks are rendered by
/// <see cref="LegalBody"/> through Razor, which encodes every character, so "&lt;script&gt;" reads as typed.
/// </summary>
public static class LegalDocument
{
    public abstract record Block;

    public sealed record Heading(string Text) : Block;

    public sealed record Paragraph(IReadOnlyList<string> Lines) : Block;

    public sealed record List(IReadOnlyList<string> Items) : Block;

    public static IReadOnlyList<Block> Parse(string text)
    {
        var blocks = new List<Block>();
        var lines = new List<string>();
        var items = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("# ", StringComparison.Ordinal) || line.Length == 0)
            {
                Flush();
                if (line.Length > 0)
                {
                    blocks.Add(new Heading(line[2..].Trim()));
                }
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                FlushParagraph();
                items.Add(line[2..].Trim());
            }
            else
            {
                FlushList();
                lines.Add(line);
            }
        }
        Flush();
        return blocks;

        void Flush()
        {
            FlushParagraph();
            FlushList();
        }

        void FlushParagraph()
        {
            if (lines.Count > 0)
            {
                blocks.Add(new Paragraph([.. lines]));
                lines.Clear();
            }
        }

        void FlushList()
        {
            if (items.Count > 0)
            {
                blocks.Add(new List([.. items]));
                items.Clear();
            }
        }
    }
}