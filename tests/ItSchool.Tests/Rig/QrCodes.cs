using System.Diagnostics;

namespace ItSchool.Tests.Rig;

public static class QrCodes
{
    /// <summary>Reads the QR code with zbar (Debian's zbar-tools), as a banking app's scanner would.</summary>
    public static async Task<string> DecodeAsync(byte[] png)
    {
        const string zbar = "/usr/bin/zbarimg";
        Assert.True(File.Exists(zbar), "QR decoding needs Debian's zbar-tools (./test.sh installs it): apt-get install -y zbar-tools");
        var file = Path.GetTempFileName() + ".png";
        await File.WriteAllBytesAsync(file, png);
        try
        {
            var start = new ProcessStartInfo(zbar, ["--raw", "-q", "-Sbinary", file]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            using var output = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(output);
            await process.WaitForExitAsync();
            return System.Text.Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n');
        }
        finally
        {
            File.Delete(file);
        }
    }
}