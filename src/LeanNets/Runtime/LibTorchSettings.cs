using System.Runtime.InteropServices;

namespace LeanNets.Runtime;

/// <summary>
/// libtorch switches TorchSharp does not expose, reached through libtorch's exported <c>at::Context</c> methods.
/// NNPACK cannot initialise on CPUs it does not know (AVX-512 machines among them) and libtorch then logs a warning
/// on every convolution; turning it off (as torch.backends.nnpack.set_flags(False) does) silences that without
/// changing any result. oneDNN (mkldnn) is switched off around the convolutions it computes wrongly
/// (<see cref="Layers.DenseConvGuard"/>).
/// </summary>
internal static class LibTorchSettings
{
    private delegate IntPtr GlobalContext();
    private delegate void SetFlag(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetFlag(IntPtr context);

    private static readonly Lazy<Context?> Native = new(Open);

    private sealed record Context(IntPtr Handle, SetFlag SetNnpack, SetFlag SetMkldnn, GetFlag MkldnnEnabled);

    /// <summary>True when libtorch's switches can be reached (Linux, libtorch loaded).</summary>
    public static bool Available => Native.Value is not null;

    public static bool TryDisableNnpack()
    {
        if (Native.Value is not { } context)
            return false;
        context.SetNnpack(context.Handle, false);
        return true;
    }

    /// <summary>Turns oneDNN convolutions on or off for the whole process and returns the previous setting (true
    /// when the switches cannot be reached: nothing is changed then).</summary>
    public static bool SetMkldnn(bool enabled)
    {
        if (Native.Value is not { } context)
            return true;
        bool previous = context.MkldnnEnabled(context.Handle);
        context.SetMkldnn(context.Handle, enabled);
        return previous;
    }

    private static Context? Open()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libtorch_cpu.so", out var lib))
            return null;
        if (
            !NativeLibrary.TryGetExport(lib, "_ZN2at13globalContextEv", out var contextFn)
            || !NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledNNPACKEb", out var nnpackFn)
            || !NativeLibrary.TryGetExport(lib, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setMkldnnFn)
            || !NativeLibrary.TryGetExport(lib, "_ZNK2at7Context17userEnabledMkldnnEv", out var getMkldnnFn)
        )
            return null;
        return new Context(
            Marshal.GetDelegateForFunctionPointer<GlobalContext>(contextFn)(),
            Marshal.GetDelegateForFunctionPointer<SetFlag>(nnpackFn),
            Marshal.GetDelegateForFunctionPointer<SetFlag>(setMkldnnFn),
            Marshal.GetDelegateForFunctionPointer<GetFlag>(getMkldnnFn)
        );
    }
}
