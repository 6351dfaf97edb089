namespace ItSchool.Pupils;

public sealed record Pupil(Guid Id, Guid SchoolId, string FirstName, string LastName, string ClassName)
{
    public string DisplayName => $"{FirstName} {LastName}";
}