using System.Xml;

namespace ItSchool.BankStatements;

/// <summary>
/// The camt reader's XmlReader, stopping at <see cref="MaxDepth"/> and <see cref="MaxElements"/> before anything
/// is materialised: LINQ to XML builds a tree in time quadratic in its depth (each added node walks up to its
/// root), so a 1.4 MB file of nested elements used to burn a core for minutes in one <c>XNode.ReadFrom</c>.
/// </summary>
sealed class GuardedXmlReader(XmlReader inner) : XmlReader, IXmlLineInfo
{
    /// <summary>camt.053's deepest element sits about 15 levels down; more is not a statement.</summary>
    public const int MaxDepth = 40;

    /// <summary>About thirty elements an entry: room for well over 100,000 entries, far more than a 64 MB file holds.</summary>
    public const int MaxElements = 4_000_000;

    int elements;

    public override bool Read()
    {
        if (!inner.Read())
        {
            return false;
        }
        if (inner.NodeType == XmlNodeType.Element)
        {
            if (inner.Depth > MaxDepth)
            {
                throw new StatementFormatException(Where, BankMessage.Of("Camt.TooDeep", MaxDepth));
            }
            if (++elements > MaxElements)
            {
                throw new StatementFormatException(Where, BankMessage.Of("Camt.TooManyElements", MaxElements));
            }
        }
        return true;
    }

    BankMessage Where => HasLineInfo() ? StatementPlace.Position(LineNumber, LinePosition) : StatementPlace.File;

    public bool HasLineInfo() => inner is IXmlLineInfo info && info.HasLineInfo();
    public int LineNumber => (inner as IXmlLineInfo)?.LineNumber ?? 0;
    public int LinePosition => (inner as IXmlLineInfo)?.LinePosition ?? 0;

    public override int AttributeCount => inner.AttributeCount;
    public override string BaseURI => inner.BaseURI;
    public override int Depth => inner.Depth;
    public override bool EOF => inner.EOF;
    public override bool IsEmptyElement => inner.IsEmptyElement;
    public override string LocalName => inner.LocalName;
    public override string NamespaceURI => inner.NamespaceURI;
    public override XmlNameTable NameTable => inner.NameTable;
    public override XmlNodeType NodeType => inner.NodeType;
    public override string Prefix => inner.Prefix;
    public override ReadState ReadState => inner.ReadState;
    public override string Value => inner.Value;
    public override string GetAttribute(int i) => inner.GetAttribute(i);
    public override string? GetAttribute(string name) => inner.GetAttribute(name);
    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
    public override bool MoveToElement() => inner.MoveToElement();
    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
    public override bool ReadAttributeValue() => inner.ReadAttributeValue();
    public override void ResolveEntity() => inner.ResolveEntity();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}