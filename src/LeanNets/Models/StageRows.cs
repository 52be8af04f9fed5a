namespace LeanNets.Models;

/// <summary>Groups a family's block rows into stages: a new stage starts at every block that downsamples.</summary>
public static class StageRows
{
    public static IReadOnlyList<IReadOnlyList<T>> SplitAtStrides<T>(IEnumerable<T> rows, Func<T, int> stride)
    {
        var stages = new List<IReadOnlyList<T>>();
        List<T>? current = null;
        foreach (var row in rows)
        {
            if (current == null || stride(row) > 1)
            {
                current = [];
                stages.Add(current);
            }
            current.Add(row);
        }
        return stages;
    }
}
