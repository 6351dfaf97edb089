using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Orders;

/// <summary>
/// The demo school's orders (demo mode only, right after its seed): an open photo order with two proofs per pupil (a
/// coloured card with the child's initials, drawn here: no picture comes from elsewhere), the e-shop's "T-shirt de
/// l'école" in S/M/L with M nearly sold out, and "Location-retour chromebooks" open for the whole school year, as the
/// platform's dashboard shows it ("accessible du 26/08/2024 au 30/06/2025").
/// </summary>
public static class DemoOrders
{
    public static async Task SeedAsync(OrderFormAdmin admin, NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = SchoolTime.Day(now);
        var pupils = await PupilsAsync(db, cancellationToken);
        if (pupils.Count == 0)
        {
            return;
        }
        var yearStarts = new DateOnly(today.Month > 8 || (today.Month == 8 && today.Day >= 26) ? today.Year : today.Year - 1, 8, 26);
        const string by = "Claire Dupont";

        var photos = Guid.CreateVersion7(now);
        await SaveAsync(admin, new FormDraft(photos, DemoSchool.Id, OrderKind.Photos, "Photos de classe",
            "Le photographe est passé dans les classes : choisissez les tirages de votre enfant.", today.AddDays(-5), today.AddDays(20), null,
            OrderPayment.Invoice, null, 14,
            [
                Article("POCHETTE", "Pochette complète (2 × 13x18, 4 × 9x13, 8 photos d'identité)", 2200, null),
                Article("13X18", "Tirage 13x18", 450, null),
                Article("ID", "Planche de 8 photos d'identité", 600, null),
                Article("CLASSE", "Photo de classe 20x30", 800, 2),
            ]), by, now, cancellationToken);
        var colours = new (byte R, byte G, byte B)[] { (21, 88, 192), (192, 57, 43), (39, 132, 84), (142, 68, 173), (211, 110, 20) };
        var proofs = new List<ProofUpload>();
        for (var i = 0; i < pupils.Count; i++)
        {
            var (id, first, last) = pupils[i];
            proofs.Add(new ProofUpload(id, $"{Initials(first, last)}-portrait.png", "image/png", Card(Initials(first, last), colours[i % colours.Length])));
            proofs.Add(new ProofUpload(id, $"{Initials(first, last)}-fratrie.png", "image/png",
                Card(Initials(first, last), colours[(i + 2) % colours.Length])));
        }
        await admin.AddProofsAsync(DemoSchool.Id, photos, proofs, by, now, cancellationToken);

        await SaveAsync(admin, new FormDraft(Guid.CreateVersion7(now), DemoSchool.Id, OrderKind.Shop, "T-shirt de l'école",
            "Le T-shirt bleu de l'école, en coton bio, pour les sorties et le sport.", today.AddDays(-10), today.AddDays(60), null,
            OrderPayment.Wallet, 1, 14,
            [
                new ArticleDraft("TSHIRT", "T-shirt de l'école", 1250, 3, [new("S", 20), new("M", 2), new("L", 15)], false, false),
                Article("GOURDE", "Gourde de l'école", 900, 2, stock: 40),
            ]), by, now, cancellationToken);

        await SaveAsync(admin, new FormDraft(Guid.CreateVersion7(now), DemoSchool.Id, OrderKind.Form, "Location-retour chromebooks",
            "Location d'un Chromebook pour l'année scolaire, à rendre en fin d'année.", yearStarts, new DateOnly(yearStarts.Year + 1, 6, 30), null,
            OrderPayment.Invoice, null, 30,
            [
                Article("LOCATION", "Location d'un Chromebook pour l'année", 9500, 1),
                Article("ASSURANCE", "Assurance casse et vol", 2500, 1),
            ]), by, now, cancellationToken);
    }

    static ArticleDraft Article(string code, string label, long cents, int? limit, int? stock = null) =>
        new(code, label, cents, limit, [new OptionDraft("", stock)], false, false);

    static async Task SaveAsync(OrderFormAdmin admin, FormDraft draft, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var saved = await admin.SaveAsync(draft, isNew: true, [], by, now, cancellationToken);
        if (!saved.Saved)
        {
            throw new InvalidOperationException($"The demo form {draft.Title} was refused: {string.Join(", ", saved.Problems)}");
        }
    }

    static async Task<List<(Guid Id, string First, string Last)>> PupilsAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT id, first_name, last_name FROM pupils WHERE school_id = @school ORDER BY class_name, last_name, first_name");
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<(Guid, string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        }
        return pupils;
    }

    static string Initials(string first, string last) => $"{Letter(first)}{Letter(last)}";

    static char Letter(string name) =>
        name.Normalize(NormalizationForm.FormD).Select(char.ToUpperInvariant).FirstOrDefault(c => c is >= 'A' and <= 'Z', 'X');

    // A 5×7 capital of each letter, row by row.
    static readonly string[] Font =
    [
        "01110 10001 10001 11111 10001 10001 10001", "11110 10001 10001 11110 10001 10001 11110", "01110 10001 10000 10000 10000 10001 01110",
        "11110 10001 10001 10001 10001 10001 11110", "11111 10000 10000 11110 10000 10000 11111", "11111 10000 10000 11110 10000 10000 10000",
        "01110 10001 10000 10111 10001 10001 01111", "10001 10001 10001 11111 10001 10001 10001", "01110 00100 00100 00100 00100 00100 01110",
        "00111 00010 00010 00010 00010 10010 01100", "10001 10010 10100 11000 10100 10010 10001", "10000 10000 10000 10000 10000 10000 11111",
        "10001 11011 10101 10101 10001 10001 10001", "10001 10001 11001 10101 10011 10001 10001", "01110 10001 10001 10001 10001 10001 01110",
        "11110 10001 10001 11110 10000 10000 10000", "01110 10001 10001 10001 10101 10010 01101", "11110 10001 10001 11110 10100 10010 10001",
        "01111 10000 10000 01110 00001 00001 11110", "11111 00100 00100 00100 00100 00100 00100", "10001 10001 10001 10001 10001 10001 01110",
        "10001 10001 10001 10001 10001 01010 00100", "10001 10001 10001 10101 10101 10101 01010", "10001 10001 01010 00100 01010 10001 10001",
        "10001 10001 01010 00100 00100 00100 00100", "11111 00001 00010 00100 01000 10000 11111",
    ];

    /// <summary>A portrait-shaped PNG: a coloured card, a white frame, the initials large in the middle.</summary>
    public static byte[] Card(string initials, (byte R, byte G, byte B) colour)
    {
        const int width = 240, height = 300, scale = 14, frame = 10;
        var pixels = new byte[height * (1 + width * 3)];
        bool Ink(int x, int y)
        {
            var textWidth = (initials.Length * 6 - 1) * scale;
            var (left, top) = ((width - textWidth) / 2, (height - 7 * scale) / 2);
            var (column, row) = ((x - left) / scale, (y - top) / scale);
            if (x < left || y < top || row >= 7 || column >= initials.Length * 6 || column % 6 == 5)
            {
                return false;
            }
            var glyph = Font[initials[column / 6] - 'A'].Split(' ')[row];
            return glyph[column % 6] == '1';
        }
        for (var y = 0; y < height; y++)
        {
            var start = y * (1 + width * 3);
            for (var x = 0; x < width; x++)
            {
                var border = x < frame || y < frame || x >= width - frame || y >= height - frame;
                var (r, g, b) = border || Ink(x, y) ? (byte.MaxValue, byte.MaxValue, byte.MaxValue) : colour;
                pixels[start + 1 + x * 3] = r;
                pixels[start + 2 + x * 3] = g;
                pixels[start + 3 + x * 3] = b;
            }
        }
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(pixels);
            }
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(typed));
        png.Write(crc);
    }

    static uint Crc(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return crc ^ 0xFFFFFFFFu;
    }
}