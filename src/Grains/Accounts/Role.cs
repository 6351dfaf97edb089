namespace ItSchool.Accounts;

public enum Role
{
    Parent,
    Teacher,
    Manager,
    Canteen,
}

public static class Roles
{
    // The database stores roles as lower-case words so that SQL reports read naturally.
    public static string ToDatabase(this Role role) => role.ToString().ToLowerInvariant();

    public static Role FromDatabase(string value) => Enum.Parse<Role>(value, ignoreCase: true);
}