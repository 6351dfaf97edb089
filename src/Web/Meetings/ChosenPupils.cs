using ItSchool.Pupils;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The pupils a teacher sees parents of besides whole classes, typed one a line as the school knows them:
/// "Chloé Dubois", "Dubois Chloé", with or without "(4B)" after it, or the pupil's reference. A line that
/// names nobody, or two pupils, is sent back to be made precise; nothing is guessed.
/// </summary>
public static class ChosenPupils
{
    public static (List<Guid> Ids, List<string> Unknown, List<string> Ambiguous) Resolve(string typed, IReadOnlyList<RegisteredPupil> pupils)
    {
        var (ids, unknown, ambiguous) = (new List<Guid>(), new List<string>(), new List<string>());
        foreach (var line in typed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, className) = Split(line);
            var matches = pupils.Where(p => string.Equals(p.Reference, line, StringComparison.OrdinalIgnoreCase)
                || (Named(p, name) && (className is null || string.Equals(p.ClassName, className, StringComparison.OrdinalIgnoreCase)))).ToList();
            switch (matches.Count)
            {
                case 0:
                    unknown.Add(line);
                    break;
                case 1:
                    ids.Add(matches[0].Id);
                    break;
                default:
                    ambiguous.Add(line);
                    break;
            }
        }
        return (ids.Distinct().ToList(), unknown, ambiguous);
    }

    /// <summary>The chosen pupils as the form shows them again, one a line, each with their class.</summary>
    public static string Lines(IEnumerable<Guid> ids, IReadOnlyList<RegisteredPupil> pupils) =>
        string.Join("\n", ids.Select(id => pupils.FirstOrDefault(p => p.Id == id)).OfType<RegisteredPupil>()
            .Select(p => $"{p.DisplayName} ({p.ClassName})"));

    static (string Name, string? ClassName) Split(string line)
    {
        var open = line.LastIndexOf('(');
        return open > 0 && line.EndsWith(')') ? (line[..open].Trim(), line[(open + 1)..^1].Trim()) : (line, null);
    }

    static bool Named(RegisteredPupil pupil, string name) =>
        string.Equals($"{pupil.FirstName} {pupil.LastName}", name, StringComparison.OrdinalIgnoreCase)
        || string.Equals($"{pupil.LastName} {pupil.FirstName}", name, StringComparison.OrdinalIgnoreCase);
}