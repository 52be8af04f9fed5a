using LeanNets.Data.Detection;

namespace LeanNets.Bench;

/// <summary>`shapes OUT [TRAIN] [VAL] [SIZE]`: writes the synthetic shapes detection set (train and val
/// splits) that docs/detection.md's benchmark trains on.</summary>
public static class ShapesDataset
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: shapes OUT [TRAIN=400] [VAL=100] [SIZE=128]");
            return 2;
        }
        int Arg(int i, int fallback) =>
            args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        int size = Arg(3, 128);
        SyntheticShapes.Write(args[0], Arg(1, 400), "train", size, seed: 1);
        SyntheticShapes.Write(args[0], Arg(2, 100), "val", size, seed: 2);
        Console.WriteLine($"wrote {args[0]}: train and val splits of {size}x{size} shapes");
        return 0;
    }
}
