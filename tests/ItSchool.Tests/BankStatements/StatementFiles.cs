using ItSchool.BankStatements;

namespace ItSchool.Tests.BankStatements;

/// <summary>The hand-made statement files under <c>BankStatements/Files</c>.</summary>
public static class StatementFiles
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "BankStatements", "Files", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static (StatementFormat Format, List<StatementPart> Parts) Parse(byte[] content)
    {
        var format = StatementFile.Detect(new MemoryStream(content));
        return (format, StatementFile.Read(format, new MemoryStream(content)).ToList());
    }
}