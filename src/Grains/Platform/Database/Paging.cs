using System.Globalization;

namespace ItSchool.Platform.Database;

/// <summary>
/// The page of a school-wide list a request asks for (<c>?page=3</c>). Lists are read with LIMIT/OFFSET over an order
/// that ends in a unique column, after counting what matches: the pager says "page 3 of 40" and jumps to any page, which
/// keyset paging cannot, and a school's lists are a few thousand rows, where an offset costs an index scan of that many.
/// </summary>
public readonly record struct PageRequest(int Number)
{
    /// <summary>Rows on every page of every paged list.</summary>
    public const int Size = 50;

    public static PageRequest First => new(1);

    /// <summary>What does not read as a page number (text, zero, a sign) is the first page; one too far is clamped on reading.</summary>
    public static PageRequest Parse(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 ? new(number) : First;
}

/// <summary>What the pager shows of any page.</summary>
public interface IPaged
{
    /// <summary>Rows matching the list's filter, on every page together.</summary>
    int Total { get; }

    /// <summary>The page shown, from 1.</summary>
    int Number { get; }

    /// <summary>The page asked for: larger than <see cref="Number"/> when it was past the last one.</summary>
    int Requested { get; }

    int Pages { get; }
}

/// <summary>One page of a list.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Rows, int Total, int Number, int Requested) : IPaged
{
    public int Pages => Paging.PagesFor(Total);
}

public static class Paging
{
    public static int PagesFor(int total) => Math.Max(1, (total + PageRequest.Size - 1) / PageRequest.Size);

    /// <summary>
    /// Reads the page asked for, or the last one when it is past the end: <paramref name="rows"/> gets the LIMIT and the OFFSET,
    /// and must order its rows by something unique, so that no row is on two pages or on none.
    /// </summary>
    public static async Task<Paged<T>> ReadAsync<T>(PageRequest request, int total, Func<int, int, Task<IReadOnlyList<T>>> rows)
    {
        var number = Math.Min(Math.Max(request.Number, 1), PagesFor(total));
        var page = total == 0 ? [] : await rows(PageRequest.Size, (number - 1) * PageRequest.Size);
        return new Paged<T>(page, total, number, Math.Max(request.Number, 1));
    }
}