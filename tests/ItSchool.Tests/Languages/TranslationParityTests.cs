using System.Xml.Linq;

namespace ItSchool.Tests.Languages;

/// <summary>
/// The same comparison as the build's CheckTranslations target (src/Web/ItSchool.Web.csproj): every neutral
/// (French) X.resx under src/Web/Resources has X.nl.resx and X.en.resx with exactly its keys.
/// </summary>
public sealed class TranslationParityTests
{
    [Fact]
    public void Every_text_exists_in_French_Dutch_and_English()
    {
        var problems = new List<string>();
        foreach (var neutral in NeutralFiles())
        {
            var french = Keys(neutral);
            foreach (var language in new[] { "nl", "en" })
            {
                var translation = Path.ChangeExtension(neutral, $".{language}.resx");
                if (!File.Exists(translation))
                {
                    problems.Add($"{Relative(neutral)}: no {Relative(translation)}");
                    continue;
                }
                var translated = Keys(translation);
                problems.AddRange(french.Except(translated).Select(key => $"{Relative(translation)}: missing {key}"));
                problems.AddRange(translated.Except(french).Select(key => $"{Relative(translation)}: {key} is not in the French file"));
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_language_texts_are_complete_in_every_language()
    {
        var neutral = NeutralFiles().Single(file => file.EndsWith("LanguageText.resx", StringComparison.Ordinal));
        var french = Keys(neutral);
        Assert.NotEmpty(french);
        Assert.Equal(french, Keys(Path.ChangeExtension(neutral, ".nl.resx")));
        Assert.Equal(french, Keys(Path.ChangeExtension(neutral, ".en.resx")));
    }

    static IEnumerable<string> NeutralFiles() =>
        Directory.EnumerateFiles(ResourcesDirectory(), "*.resx", SearchOption.AllDirectories)
            .Where(file => Path.GetFileNameWithoutExtension(file).IndexOf('.') < 0)
            .Order(StringComparer.Ordinal);

    static SortedSet<string> Keys(string file) =>
        new(XDocument.Load(file).Root!.Elements("data").Select(data => (string)data.Attribute("name")!), StringComparer.Ordinal);

    static string Relative(string file) => Path.GetRelativePath(ResourcesDirectory(), file);

    static string ResourcesDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Web", "Resources");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("Could not find src/Web/Resources above " + AppContext.BaseDirectory);
    }
}