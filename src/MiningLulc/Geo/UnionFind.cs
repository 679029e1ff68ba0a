namespace MiningLulc.Geo;

/// <summary>Disjoint sets over 0..n-1 with path halving; the smaller root wins a union, so roots are each set's smallest member.</summary>
internal sealed class UnionFind(int count)
{
    private readonly int[] parent = Enumerable.Range(0, count).ToArray();

    public int Find(int x)
    {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }

    /// <summary>Joins the sets of a and b; false when they were one set already.</summary>
    public bool Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return false;
        if (ra < rb) parent[rb] = ra; else parent[ra] = rb;
        return true;
    }
}
