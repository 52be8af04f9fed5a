using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeanNets.IO;

namespace LeanNets.Training;

/// <summary>
/// The file layout every LeanNets checkpoint shares: <c>magic, header (JSON), payload, SHA-256 of the
/// payload</c>, written atomically (temporary file, flush, rename). Reading checks the magic, then the checksum
/// before any tensor is parsed, so a truncated or corrupted file is reported as such instead of loading wrong
/// weights.
/// </summary>
internal static class CheckpointContainer
{
    private const int HashLength = 32;

    public static void Write<THeader>(string path, string magic, THeader header, Action<BinaryWriter> payload) =>
        AtomicFile.Write(
            path,
            file =>
            {
                using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(magic);
                    writer.Write(JsonFile.Serialize(header));
                }
                using var hashing = new HashingStream(file);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                    payload(writer);
                file.Write(hashing.Hash());
            }
        );

    /// <summary>The header alone (options, epochs, history): cheap, no payload read.</summary>
    public static THeader ReadHeader<THeader>(string path, string magic, string kind)
    {
        using var file = Open(path);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        return ReadHeader<THeader>(path, reader, magic, kind);
    }

    /// <summary>The header, then (checksum verified) the payload through <paramref name="payload"/>.</summary>
    public static THeader Read<THeader>(string path, string magic, string kind, Action<THeader, BinaryReader> payload)
    {
        using var file = Open(path);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        var header = ReadHeader<THeader>(path, reader, magic, kind);
        long payloadStart = file.Position;
        VerifyChecksum(path, file, payloadStart);
        file.Position = payloadStart;
        payload(header, reader);
        return header;
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new LeanNetsException($"checkpoint not found: {path}");
        return File.OpenRead(path);
    }

    private static THeader ReadHeader<THeader>(string path, BinaryReader reader, string magic, string kind)
    {
        try
        {
            string found = reader.ReadString();
            if (found != magic)
            {
                // Older LeanNets wrote "LEANNETS-CKPT-2" (classifiers) and "LEANNETS-DETECTOR-CKPT-1".
                throw new LeanNetsException(
                    found.StartsWith("LEANNETS-", StringComparison.Ordinal) && found.Contains("CKPT")
                        ? $"{path}: checkpoint format {found} is from an older LeanNets (expected {magic}); "
                          + "train it again with this version"
                        : $"{path}: not a {kind}"
                );
            }
            return JsonSerializer.Deserialize<THeader>(reader.ReadString(), JsonFile.Options)
                ?? throw new LeanNetsException($"{path}: empty checkpoint header");
        }
        catch (Exception e)
            when (e is EndOfStreamException or JsonException or IOException or FormatException or NotSupportedException)
        {
            throw new LeanNetsException($"{path}: corrupt or truncated checkpoint ({e.GetType().Name})", e);
        }
    }

    private static void VerifyChecksum(string path, FileStream file, long payloadStart)
    {
        long payloadLength = file.Length - payloadStart - HashLength;
        if (payloadLength <= 0)
            throw new LeanNetsException($"{path}: truncated checkpoint (no weights)");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long left = payloadLength;
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
