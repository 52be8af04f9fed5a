using System.Runtime.InteropServices;

namespace LeanNets.Runtime;

/// <summary>
/// libtorch switches TorchSharp does not expose. NNPACK cannot initialise on CPUs it does not know
/// (AVX-512 machines among them) and libtorch then logs a warning on every convolution; turning it off
/// (as torch.backends.nnpack.set_flags(False) does) silences that without changing any result.
/// </summary>
internal static class LibTorchSettings
{
    private delegate IntPtr GlobalContext();
    private delegate void SetFlag(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    public static bool TryDisableNnpack()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libtorch_cpu.so", out var lib))
            return false;
        if (
            !NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", out var contextFn)
            || !NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setFn)
        )
            return false;
        var context = Marshal.GetDelegateForFunctionPointer<GlobalContext>(contextFn)();
        Marshal.GetDelegateForFunctionPointer<SetFlag>(setFn)(context, false);
        return true;
    }
}
