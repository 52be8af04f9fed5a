namespace LeanNets.Data;

/// <summary>
/// Seeds derived from several integers that are the same in every process (HashCode.Combine is
/// randomised per process, so it cannot make runs repeatable). SplitMix64 finaliser.
/// </summary>
public static class StableSeed
{
    public static int Mix(long a, long b, long c)
    {
        ulong x =
            Finalise((ulong)a) ^ Finalise((ulong)b + 0x9e3779b97f4a7c15UL) ^ Finalise((ulong)c + 0x3c6ef372fe94f82aUL);
        return (int)(Finalise(x) & 0x7fffffff);
    }

    private static ulong Finalise(ulong z)
    {
        z += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
