using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DefectApi.Bundles;

/// <summary>A bundle file that cannot be imported, with a title and a message that say what is wrong with it and what
/// to do; the import answers them as a 400 problem.</summary>
public sealed class BundleFormatException(string title, string message) : Exception(message)
{
    public string Title { get; } = title;
}

/// <summary>
/// The bundle file, format version 1 (all integers little-endian):
/// "DABUNDLE" | int32 format version | int32 manifest length | manifest (UTF-8 JSON) | int64 artifact length |
/// artifact (the stored model blob, exactly as the service keeps it) | SHA-256 of every byte before it.
/// The manifest describes the model for people and for the import (name, task, metrics, history, options, the
/// training data's profile); the artifact is what predicts. The trailing SHA-256 is part of every version, so that a
/// changed, cut-off or extended file is recognised before any of it is parsed.
/// </summary>
internal static class ModelBundleFormat
{
    public const int Version = 1;
    public const string FileExtension = ".dabundle";
    static ReadOnlySpan<byte> Magic => "DABUNDLE"u8;
    const int HashBytes = SHA256.HashSizeInBytes;
    const int ManifestAt = 16;
    const int SmallestFile = ManifestAt + 8 + HashBytes;

    public readonly record struct Contents(ReadOnlyMemory<byte> Manifest, byte[] Artifact);

    public static byte[] Write(ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> artifact)
    {
        var file = new byte[ManifestAt + manifest.Length + 8 + artifact.Length + HashBytes];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(12), manifest.Length);
        manifest.CopyTo(file.AsSpan(ManifestAt));
        var artifactLengthAt = ManifestAt + manifest.Length;
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(artifactLengthAt), artifact.Length);
        artifact.CopyTo(file.AsSpan(artifactLengthAt + 8));
        SHA256.HashData(file.AsSpan(0, file.Length - HashBytes), file.AsSpan(file.Length - HashBytes));
        return file;
    }

    /// <summary>The manifest and the artifact of an intact bundle; <see cref="BundleFormatException"/> for anything
    /// else. Nothing in the file is interpreted before its checksum is found right.</summary>
    public static Contents Read(byte[] file)
    {
        if (file.Length == 0)
            throw new BundleFormatException("The file is empty",
                "The body is empty. Send the file that GET /api/models/{id}/bundle gave, as the body (application/octet-stream) " +
                "or as a multipart 'file' part.");
        if (!file.AsSpan(0, Math.Min(file.Length, Magic.Length)).SequenceEqual(Magic[..Math.Min(file.Length, Magic.Length)]))
            throw new BundleFormatException("Not a model bundle",
                $"This file is not a DefectApi model bundle ({WhatItLooksLike(file)}; a bundle starts with 'DABUNDLE'). " +
                "Export one with GET /api/models/{id}/bundle on the installation that has the model.");
        if (file.Length < SmallestFile) throw Truncated(file.Length, DeclaredLength(file));

        var body = file.AsSpan(0, file.Length - HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(file.AsSpan(file.Length - HashBytes)))
        {
            if (DeclaredLength(file) is { } declared && declared > file.Length) throw Truncated(file.Length, declared);
            throw new BundleFormatException("The bundle's checksum does not match",
                "The SHA-256 at the end of the file does not match its contents: the file was changed or damaged after it was exported. " +
                "Download it again from the installation that exported it.");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (version != Version)
            throw new BundleFormatException("Unsupported bundle version",
                $"The bundle is in format version {version}; this service reads version {Version}. Import it with the DefectApi " +
                "version that exported it, or a later one.");
        if (DeclaredLength(file) != file.Length)
            throw new BundleFormatException("The bundle's layout is inconsistent",
                "The lengths in the bundle's header do not add up to the file's size, though its checksum is right: it was not " +
                "written by DefectApi.");
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        var artifactLength = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(ManifestAt + manifestLength));
        return new Contents(file.AsMemory(ManifestAt, manifestLength),
            file.AsSpan(ManifestAt + manifestLength + 8, artifactLength).ToArray());
    }

    /// <summary>The file size the header promises (the least it can be, when the artifact's length is cut off too), or
    /// null when the header is too short or its lengths are impossible.</summary>
    static long? DeclaredLength(byte[] file)
    {
        if (file.Length < ManifestAt) return null;
        long manifestLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        if (manifestLength < 0) return null;
        var artifactLengthAt = ManifestAt + manifestLength;
        if (file.Length < artifactLengthAt + 8) return artifactLengthAt + 8 + HashBytes;
        var artifactLength = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)artifactLengthAt));
        if (artifactLength is < 0 or > int.MaxValue) return null;
        return artifactLengthAt + 8 + artifactLength + HashBytes;
    }

    static BundleFormatException Truncated(long actual, long? declared) => new("The bundle is incomplete",
        (declared is { } expected && expected > actual
            ? $"The file has {actual} bytes, but its header says the bundle has at least {expected}: it was cut off on the way. "
            : $"The file has only {actual} bytes, too few for a bundle: it was cut off on the way. ") +
        "Download or copy it again in full.");

    /// <summary>A hint at what was sent instead, for the message.</summary>
    static string WhatItLooksLike(byte[] file)
    {
        var start = file.AsSpan(0, Math.Min(file.Length, 512));
        if (start.StartsWith("PK\u0003\u0004"u8)) return "it is a zip archive";
        if (start.StartsWith("DAMA"u8)) return "it is a bare model artifact without the bundle around it";
        if (start[0] is (byte)'{' or (byte)'[') return "it looks like JSON";
        // Text has no bytes below the tab character.
        if (start.IndexOfAnyInRange((byte)0, (byte)8) < 0) return "it looks like text, a CSV perhaps";
        return "its first bytes are not a bundle's";
    }
}
