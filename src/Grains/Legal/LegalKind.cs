namespace ItSchool.Legal;

/// <summary>The two texts every school publishes: what parents agree to, and how their data is handled.</summary>
public enum LegalKind
{
    /// <summary>"Conditions générales d'utilisation": parents accept each new version before using the portal.</summary>
    Terms,

    /// <summary>"Politique de protection des données": it informs, nobody is asked to accept it.</summary>
    Privacy,
}

public static class LegalKinds
{
    /// <summary>The value of the kind column (0075_legal.sql).</summary>
    public static string Code(this LegalKind kind) => kind == LegalKind.Terms ? "terms" : "privacy";
}