namespace ItSchool.Platform.Orleans;

public static class GrainStorage
{
    /// <summary>The ADO.NET grain storage provider every grain's <c>[PersistentState]</c> names.</summary>
    public const string Name = "itschool";
}