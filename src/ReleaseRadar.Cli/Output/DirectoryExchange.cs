using System.Runtime.InteropServices;

namespace ReleaseRadar.Cli.Output;

/// <summary>
/// Swaps two directories in one step (Linux renameat2 with RENAME_EXCHANGE), so a reader of either path sees one whole
/// set of files or the other, never a mix, and a process killed at any moment leaves one whole set in place.
/// </summary>
internal static partial class DirectoryExchange
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const uint Exchange = 2; // RENAME_EXCHANGE

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> were exchanged (false: the platform or file system cannot).</summary>
    public static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return RenameAt2(CurrentDirectory, a, CurrentDirectory, b, Exchange) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
