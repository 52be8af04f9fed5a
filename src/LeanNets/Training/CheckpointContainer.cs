using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeanNets.IO;

namespace LeanNets.Training;

/// <summary>
/// The layout of a LeanNets checkpoint: <c>magic, header (JSON), payload, SHA-256 of everything before it</c>,
/// written atomically (temporary file, flush, rename). Every read, even of the header alone, checks the
/// checksum before anything is parsed, so a truncated, corrupted or hand-edited file is reported as such instead
/// of loading wrong weights or a state that was never written.
/// </summary>
internal static class CheckpointContainer
{
    private const int HashLength = 32;

    public static void Write<THeader>(string path, string magic, THeader header, Action<BinaryWriter> payload) =>
        AtomicFile.Write(
            path,
            file =>
            {
                using var hashing = new HashingStream(file);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(magic);
                    writer.Write(JsonFile.Serialize(header));
                    payload(writer);
                }
                file.Write(hashing.Hash());
            }
        );

    /// <summary>The header alone (options, epochs, history), after the checksum; no payload parsed.</summary>
    public static THeader ReadHeader<THeader>(string path, string magic, string kind) =>
        Read<THeader>(path, magic, kind, (_, _) => { });

    /// <summary>The header, then the payload through <paramref name="payload"/>, after the checksum.</summary>
    public static THeader Read<THeader>(string path, string magic, string kind, Action<THeader, BinaryReader> payload)
    {
        using var file = Open(path);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        string found = ReadMagic(path, reader, magic, kind);
        VerifyChecksum(path, file);
        file.Position = 0;
        reader.ReadString();
        THeader header;
        try
        {
            header = JsonSerializer.Deserialize<THeader>(reader.ReadString(), JsonFile.Options)
                ?? throw new LeanNetsException($"{path}: empty checkpoint header");
        }
        catch (Exception e)
            when (e is EndOfStreamException or JsonException or FormatException or NotSupportedException)
        {
            throw new LeanNetsException($"{path}: unreadable checkpoint header {found} ({e.GetType().Name})", e);
        }
        payload(header, reader);
        return header;
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"checkpoint not found: {path}");
        return File.OpenRead(path);
    }

    private static string ReadMagic(string path, BinaryReader reader, string magic, string kind)
    {
        string found;
        try
        {
            found = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new LeanNetsException(
                IO.FileSignature.Describe(path) is { } given
                    ? $"{path}: {given}, not a {kind}"
                    : $"{path}: not a {kind} (or truncated at its start)", e);
        }
        if (found == magic)
            return found;
        // Older LeanNets wrote "LEANNETS-CKPT-2" (classifiers) and "LEANNETS-DETECTOR-CKPT-1".
        throw new LeanNetsException(
            found.StartsWith("LEANNETS-", StringComparison.Ordinal) && found.Contains("CKPT")
                ? $"{path}: checkpoint format {found} is from an older LeanNets (expected {magic}); train it again "
                  + "with this version"
                : $"{path}: {(IO.FileSignature.Describe(path) is { } other ? other + ", " : "")}not a {kind}"
        );
    }

    private static void VerifyChecksum(string path, FileStream file)
    {
        long covered = file.Length - HashLength;
        if (covered <= 0)
            throw new LeanNetsException($"{path}: truncated checkpoint (no weights)");
        file.Position = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = covered;
        while (left > 0)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
                break;
            sha.AppendData(buffer, 0, read);
            left -= read;
        }
        var stored = new byte[HashLength];
        file.ReadExactly(stored);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new LeanNetsException($"{path}: corrupt or truncated checkpoint (checksum mismatch)");
    }
}
