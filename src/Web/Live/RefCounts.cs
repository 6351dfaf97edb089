namespace ItSchool.Web.Live;

/// <summary>How many times each key is held: the first hold and the last release are the moments that cost something.</summary>
public sealed class RefCounts<TKey> where TKey : notnull
{
    readonly Dictionary<TKey, int> counts = [];

    /// <summary>True for the first hold of the key.</summary>
    public bool Add(TKey key)
    {
        lock (counts)
        {
            var count = counts.GetValueOrDefault(key);
            counts[key] = count + 1;
            return count == 0;
        }
    }

    /// <summary>True for the last release of the key; a key not held is ignored.</summary>
    public bool Remove(TKey key)
    {
        lock (counts)
        {
            if (!counts.TryGetValue(key, out var count))
            {
                return false;
            }
            if (count > 1)
            {
                counts[key] = count - 1;
                return false;
            }
            counts.Remove(key);
            return true;
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (counts)
            {
                return counts.Count == 0;
            }
        }
    }

    public IReadOnlyList<TKey> Keys()
    {
        lock (counts)
        {
            return counts.Keys.ToList();
        }
    }
}