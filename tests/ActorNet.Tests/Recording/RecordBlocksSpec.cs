using ActorNet.Recording;
using Xunit;

namespace ActorNet.Tests.Recording;

/// <summary>The recorder's queue: records back to back in blocks, bounded in bytes, taken whole by the writer.</summary>
public sealed class RecordBlocksSpec
{
    private static readonly RecordWriter<byte> Fill = static (Span<byte> target, in byte value) =>
    {
        target[..10].Fill(value);
        return 10;
    };

    private static bool Append(RecordBlocks blocks, byte value, int maxLength = 10) => blocks.TryAppend(maxLength, value, Fill);

    [Fact]
    public void Puts_many_records_in_one_block_in_the_order_they_came()
    {
        var blocks = new RecordBlocks(1L << 20);
        for (byte i = 0; i < 100; i++) Assert.True(Append(blocks, i));

        Assert.True(blocks.TryTake(wait: false, out var block));

        Assert.Equal((1000, 100), (block.Length, block.Records));
        for (var i = 0; i < 100; i++) Assert.Equal(i, block.Buffer[i * 10]);
        Assert.False(blocks.TryTake(wait: false, out _));
    }

    [Fact]
    public void Refuses_a_record_once_its_blocks_fill_the_limit_and_takes_again_once_one_is_returned()
    {
        var blocks = new RecordBlocks(128 * 1024);
        Assert.Equal(64 * 1024, blocks.BlockSize);
        var appended = 0;
        while (Append(blocks, 1, maxLength: 1000)) appended++;

        // Two blocks of 64 KiB; a block takes another record while 1000 bytes are left in it.
        Assert.Equal(2 * ((64 * 1024 - 1000) / 10 + 1), appended);
        Assert.Equal(128 * 1024, blocks.Allocated);

        Assert.True(blocks.TryTake(wait: false, out var first));
        blocks.Return(first);
        Assert.True(Append(blocks, 2, maxLength: 1000));
        Assert.Equal(128 * 1024, blocks.Allocated);
    }

    [Fact]
    public void Gives_a_record_longer_than_a_block_one_of_its_own_and_frees_it_after()
    {
        var blocks = new RecordBlocks(1L << 20);
        Assert.True(Append(blocks, 1));
        Assert.True(Append(blocks, 2, maxLength: 200 * 1024));

        Assert.True(blocks.TryTake(wait: false, out var small));
        Assert.True(blocks.TryTake(wait: false, out var large));
        Assert.Equal((1, 2), (small.Buffer[0], large.Buffer[0]));
        Assert.Equal(200 * 1024, large.Buffer.Length);

        blocks.Return(large);
        blocks.Return(small);
        Assert.Equal(blocks.BlockSize, blocks.Allocated);
    }

    [Fact]
    public void Hands_the_writer_what_is_queued_after_complete_then_says_done()
    {
        var blocks = new RecordBlocks(1L << 20);
        Assert.True(Append(blocks, 1));
        blocks.Complete();

        Assert.False(Append(blocks, 2));
        Assert.True(blocks.TryTake(wait: true, out var last));
        Assert.Equal(1, last.Records);
        Assert.False(blocks.TryTake(wait: true, out _));
    }

    [Fact]
    public async Task Wakes_a_waiting_writer_with_the_first_record()
    {
        var blocks = new RecordBlocks(1L << 20);
        var taken = Task.Run(() => blocks.TryTake(wait: true, out var block) ? block.Records : -1);

        Assert.True(Append(blocks, 1));

        Assert.Equal(1, await taken.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Allocates_nothing_per_record_once_its_blocks_exist()
    {
        var blocks = new RecordBlocks(1L << 20);
        void Cycle()
        {
            for (var i = 0; i < 10_000; i++) Append(blocks, 1);
            while (blocks.TryTake(wait: false, out var block)) blocks.Return(block);
        }
        Cycle();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
