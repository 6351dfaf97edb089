namespace ItSchool.Bench;

public sealed record BenchOptions(string Scenario, int Seconds, int Concurrency, int Pupils, int HotPupils)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }
        return new BenchOptions(
            args.FirstOrDefault(a => !a.StartsWith("--")) ?? "wallet",
            int.Parse(Value("--seconds", "10")),
            int.Parse(Value("--concurrency", "64")),
            int.Parse(Value("--pupils", "1000")),
            int.Parse(Value("--hot", "4")));
    }
}