using System.Runtime.InteropServices;
using System.Text;

namespace DriftWatch.Kafka.Embedded;

/// <summary>
/// Entry points of librdkafka's mock cluster, bound to the very librdkafka image Confluent.Kafka loaded.
/// </summary>
/// <remarks>
/// Confluent.Kafka picks one of several librdkafka builds at run time (on Debian 12 the default build needs
/// libsasl2.so.3, which is missing, so it falls back to the centos8 build). The mock cluster must live in
/// the same image as the clients, so the path is read from the process's memory map after Confluent has
/// loaded the library instead of being resolved again by name.
/// </remarks>
internal static unsafe class LibrdkafkaNative
{
    private const int ProducerType = 0;
    private static readonly Lazy<Functions> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static Functions Api => Loaded.Value;

    internal static string LibraryPath { get; private set; } = string.Empty;

    internal static IntPtr NewHandle(IReadOnlyDictionary<string, string> config)
    {
        var api = Api;
        var conf = api.ConfNew();
        var errorBuffer = stackalloc byte[512];
        foreach (var (key, value) in config)
        {
            using var name = new Utf8String(key);
            using var val = new Utf8String(value);
            if (api.ConfSet(conf, name.Pointer, val.Pointer, errorBuffer, 512) != 0)
            {
                api.ConfDestroy(conf);
                throw new InvalidOperationException($"librdkafka rejected setting '{key}': {ReadError(errorBuffer)}");
            }
        }

        var handle = api.New(ProducerType, conf, errorBuffer, 512);
        if (handle == IntPtr.Zero)
        {
            // rd_kafka_new takes ownership of conf only on success.
            api.ConfDestroy(conf);
            throw new InvalidOperationException($"librdkafka could not create a handle: {ReadError(errorBuffer)}");
        }

        return handle;
    }

    private static string ReadError(byte* buffer) => Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "unknown error";

    private static Functions Load()
    {
        Confluent.Kafka.Library.Load();
        LibraryPath = FindLoadedLibrdkafka()
            ?? throw new InvalidOperationException("Confluent.Kafka did not load librdkafka into this process.");
        var lib = NativeLibrary.Load(LibraryPath);
        return new Functions(lib);
    }

    private static string? FindLoadedLibrdkafka()
    {
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && line.Contains("librdkafka", StringComparison.Ordinal))
                {
                    return line[slash..].Trim();
                }
            }
        }

        // Not Linux: the default resolution is the one Confluent used.
        return NativeLibrary.TryLoad("librdkafka", typeof(Confluent.Kafka.Library).Assembly, null, out _) ? "librdkafka" : null;
    }

    internal sealed class Functions
    {
        internal Functions(IntPtr lib)
        {
            ConfNew = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_conf_new");
            ConfSet = (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)NativeLibrary.GetExport(lib, "rd_kafka_conf_set");
            ConfDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_conf_destroy");
            New = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_new");
            Destroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_destroy");
            MockClusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_new");
            MockClusterDestroy = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_destroy");
            MockClusterBootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_mock_cluster_bootstraps");
            MockTopicCreate = (delegate* unmanaged<IntPtr, byte*, int, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_topic_create");
            MockBrokerSetDown = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_down");
            MockBrokerSetUp = (delegate* unmanaged<IntPtr, int, int>)NativeLibrary.GetExport(lib, "rd_kafka_mock_broker_set_up");
            ErrorToString = (delegate* unmanaged<int, IntPtr>)NativeLibrary.GetExport(lib, "rd_kafka_err2str");
            MockPushRequestErrors = (delegate* unmanaged<IntPtr, short, nuint, int*, void>)NativeLibrary.GetExport(lib, "rd_kafka_mock_push_request_errors_array");
        }

        internal delegate* unmanaged<IntPtr> ConfNew { get; }
        internal delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet { get; }
        internal delegate* unmanaged<IntPtr, void> ConfDestroy { get; }
        internal delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New { get; }
        internal delegate* unmanaged<IntPtr, void> Destroy { get; }
        internal delegate* unmanaged<IntPtr, int, IntPtr> MockClusterNew { get; }
        internal delegate* unmanaged<IntPtr, void> MockClusterDestroy { get; }
        internal delegate* unmanaged<IntPtr, IntPtr> MockClusterBootstraps { get; }
        internal delegate* unmanaged<IntPtr, byte*, int, int, int> MockTopicCreate { get; }
        internal delegate* unmanaged<IntPtr, int, int> MockBrokerSetDown { get; }
        internal delegate* unmanaged<IntPtr, int, int> MockBrokerSetUp { get; }
        internal delegate* unmanaged<int, IntPtr> ErrorToString { get; }
        internal delegate* unmanaged<IntPtr, short, nuint, int*, void> MockPushRequestErrors { get; }

        internal string DescribeError(int code) => Marshal.PtrToStringUTF8(ErrorToString(code)) ?? $"error {code}";
    }

    /// <summary>A NUL-terminated UTF-8 copy of a string in unmanaged memory.</summary>
    internal readonly struct Utf8String : IDisposable
    {
        internal Utf8String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Pointer = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(Pointer, bytes.Length));
            Pointer[bytes.Length] = 0;
        }

        internal byte* Pointer { get; }

        public void Dispose() => NativeMemory.Free(Pointer);
    }
}
