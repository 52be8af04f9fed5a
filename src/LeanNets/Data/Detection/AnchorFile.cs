using System.Globalization;

namespace LeanNets.Data.Detection;

/// <summary>
/// A detector's anchors as a person writes them (`train --anchors FILE`): one anchor per line, width and height
/// in input pixels separated by a comma, spaces or an x ("10,13", "10 13", "10x13"); empty lines and lines from #
/// on are skipped. The list is checked where the options are (three per scale, positive sizes).
/// </summary>
public static class AnchorFile
{
    public static IReadOnlyList<float[]> Read(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsUsageException($"--anchors {path}: not 'cfg', 'auto' or an existing file");
        var anchors = new List<float[]>();
        int number = 0;
        foreach (string raw in File.ReadLines(path))
        {
            number++;
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
                continue;
            var parts = line.Split([',', ' ', '\t', 'x'], StringSplitOptions.RemoveEmptyEntries);
            var values = parts.Select(v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture,
                out float f) ? f : float.NaN).ToArray();
            if (values.Length != 2 || values.Any(v => !float.IsFinite(v) || v <= 0))
                throw new LeanNetsException($"{path}, line {number}: '{raw.Trim()}' is not a width and a height");
            anchors.Add(values);
        }
        return anchors;
    }
}
