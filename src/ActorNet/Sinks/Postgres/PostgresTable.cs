namespace ActorNet.Sinks.Postgres;

/// <summary>
/// The SQL the postgres sink runs against one table. The name is validated here and always quoted, so it is
/// used exactly as written (case included) and may be a keyword such as <c>order</c>.
/// </summary>
public sealed class PostgresTable
{
    /// <summary>PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes).</summary>
    private const int MaxIdentifierLength = 63;

    private const string IndexSuffix = "_by_connection";

    /// <summary>The longest table name whose index name (the name plus "_by_connection") still fits in an identifier.</summary>
    public static readonly int MaxNameLength = MaxIdentifierLength - IndexSuffix.Length;

    /// <summary>The columns in COPY order: the sink writes each row's values in this order.</summary>
    private const string Columns = "source, connection, peer, seq, received_at, payload, error, reason, raw, raw_length, client_subject";

    public PostgresTable(string name)
    {
        if (Problem(name) is { } problem) throw new ArgumentException($"PostgreSQL table \"{name}\": {problem}", nameof(name));
        Name = name;
        Quoted = Quote(name);
        Copy = $"COPY {Quoted} ({Columns}) FROM STDIN (FORMAT BINARY)";
        Probe = $"""
            SELECT t.oid IS NOT NULL, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum),
                   EXISTS (SELECT 1 FROM pg_attribute s WHERE s.attrelid = t.oid AND s.attname = 'client_subject' AND NOT s.attisdropped)
            FROM (SELECT to_regclass({Literal(Quoted)}) AS oid) t
            LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'payload' AND NOT a.attisdropped
            """;
        AddClientSubject = $"ALTER TABLE {Quoted} ADD COLUMN IF NOT EXISTS client_subject text";
        Stored = $"SELECT EXISTS (SELECT 1 FROM {Quoted} WHERE source = $1 AND connection = $2 AND seq = $3 AND received_at = $4)";
        // Two sinks (or two ActorNet processes) may create the same table at once: CREATE TABLE IF NOT EXISTS
        // is not safe against that (a unique violation in pg_type), so creation is serialized by a lock.
        Lock = $"SELECT pg_advisory_xact_lock(hashtext('actornet table ' || {Literal(Quoted)}))";
    }

    public string Name { get; }
    public string Quoted { get; }

    /// <summary>Binary COPY of every column but <c>id</c>.</summary>
    public string Copy { get; }

    /// <summary>
    /// One row: whether the table exists, the type of its payload column, that column's comment, and whether it has
    /// the <c>client_subject</c> column.
    /// </summary>
    public string Probe { get; }

    /// <summary>
    /// Adds <c>client_subject</c> to a table made before it existed. A nullable column without a default changes only
    /// the catalogue (instant, rows untouched), but ALTER TABLE waits for the queries running on the table: it is run
    /// only when <see cref="Probe"/> found the column missing, never on every connect.
    /// </summary>
    public string AddClientSubject { get; }

    /// <summary>Whether a row with this identity ($1 source, $2 connection, $3 seq, $4 received_at) is stored.</summary>
    public string Stored { get; }

    /// <summary>A transaction-scoped lock that serializes schema creation for this table.</summary>
    public string Lock { get; }

    /// <summary>
    /// Why <paramref name="name"/> cannot name a table, or null when it can: ASCII letters, digits and '_', not
    /// starting with a digit, at most <see cref="MaxNameLength"/> characters.
    /// </summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "is empty; expected letters, digits and '_'";
        if (name.Length > MaxNameLength) return $"is {name.Length} characters long; expected at most {MaxNameLength}";
        if (char.IsAsciiDigit(name[0])) return "starts with a digit; expected a letter or '_'";
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return $"contains '{c}'; expected letters, digits and '_'";
        return null;
    }

    /// <summary>The table, its payload column (typed and commented for <paramref name="format"/>) and its index.</summary>
    public string Create(PayloadColumn payload) => $"""
        CREATE TABLE IF NOT EXISTS {Quoted} (
          id bigserial PRIMARY KEY,
          source text NOT NULL,
          connection bigint NOT NULL,
          peer text NOT NULL,
          seq bigint NOT NULL,
          received_at timestamptz NOT NULL,
          payload {payload.Type},
          error text,
          reason text,
          raw bytea,
          raw_length bigint,
          client_subject text);
        COMMENT ON COLUMN {Quoted}.payload IS {Literal(payload.Comment!)};
        CREATE INDEX IF NOT EXISTS {Quote(Name + IndexSuffix)} ON {Quoted} (source, connection, seq);
        """;

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";
}
