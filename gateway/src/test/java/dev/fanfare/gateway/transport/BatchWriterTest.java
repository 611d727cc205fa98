package dev.fanfare.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanfare.gateway.core.ChannelName;
import dev.fanfare.gateway.core.Cursors;
import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.StreamLayout;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link BatchWriter} over a real epoll socket: what goes straight to the socket and what through the
 * pipeline (a handler at the pipeline's head counts what passes it), and that the bytes arrive whole
 * and in order either way, with every buffer released.
 */
@EnabledIf("epoll")
class BatchWriterTest {

    private static final Cursors CURSORS = new Cursors(StreamLayout.of(List.of("ticker"), List.of("t.ticker"),
            List.of(UUID.randomUUID()), List.of(1)));

    static boolean epoll() {
        return Epoll.isAvailable();
    }

    private EventLoopGroup group;
    private Channel server;
    private Socket client;
    private Channel child;
    private BatchWriter writer;
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger flushes = new AtomicInteger();
    private final List<Event> events = new ArrayList<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    /** A connection whose server side has {@code sendBuffer} bytes of socket buffer and a client receiving {@code receiveBuffer}. */
    private void connect(int sendBuffer, int receiveBuffer) throws Exception {
        CompletableFuture<ChannelHandlerContext> accepted = new CompletableFuture<>();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Counting(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.complete(ctx);
                            }
                        });
                    }
                });
        if (sendBuffer > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        server = b.bind("127.0.0.1", 0).sync().channel();
        client = new Socket();
        if (receiveBuffer > 0) {
            client.setReceiveBufferSize(receiveBuffer);
        }
        client.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort()));
        ChannelHandlerContext ctx = accepted.get(10, TimeUnit.SECONDS);
        child = ctx.channel();
        writer = new BatchWriter(ctx);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (child != null) {
            child.close().sync();
        }
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        for (Event e : events) {
            assertEquals(1, e.refCnt(), "the writer holds nothing of an event once its bytes are on the socket");
            e.release();
        }
    }

    /** Counts what passes through the pipeline on its way to the socket. */
    private final class Counting extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.incrementAndGet();
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes.incrementAndGet();
            ctx.flush();
        }
    }

    private Event event(long offset, String payload) {
        Event e = new Event(PooledByteBufAllocator.DEFAULT, ChannelName.parse("ticker/A"), 0, 0, offset, 1000, offset,
                new long[] {offset + 1}, CURSORS, ("{\"p\":\"" + payload + "\"}").getBytes(StandardCharsets.UTF_8));
        events.add(e);
        return e;
    }

    private static byte[] sse(Event e) {
        ByteBuf b = e.shared(Envelopes.Format.SSE);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return child.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    /** One batch of {@code batch} events; returns whether its {@code written} callback ran. */
    private boolean batch(List<Event> batch, String cursor) throws Exception {
        AtomicBoolean written = new AtomicBoolean();
        onLoop(() -> {
            writer.begin();
            for (Event e : batch) {
                writer.write(e, Envelopes.Format.SSE, CURSORS.single(0), cursor, false, 0);
            }
            writer.end(() -> written.set(true));
            return null;
        });
        return written.get();
    }

    private byte[] read(int n) throws Exception {
        byte[] got = new byte[n];
        client.setSoTimeout(10_000);
        new DataInputStream(client.getInputStream()).readFully(got);
        return got;
    }

    private static byte[] concat(List<Event> list) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Event e : list) {
            all.writeBytes(sse(e));
        }
        return all.toByteArray();
    }

    @Test
    void aBatchOfOneGoesStraightToTheSocket() throws Exception {
        connect(0, 0);
        Event e = event(7, "one");
        assertTrue(e.sharedBytes(Envelopes.Format.SSE, CURSORS.single(0), null, false, 0).hasMemoryAddress(), "the test's events are direct");
        assertTrue(batch(List.of(e), null), "written: the bytes are on the socket when the batch ends");
        assertArrayEquals(sse(e), read(sse(e).length));
        assertEquals(0, writes.get(), "nothing passed the pipeline");
        assertEquals(0, flushes.get(), "nothing to flush");
    }

    @Test
    void theRestOfABatchGoesThroughThePipelineInOrder() throws Exception {
        connect(0, 0);
        List<Event> three = List.of(event(1, "a"), event(2, "b"), event(3, "c"));
        assertTrue(batch(three, null));
        byte[] want = concat(three);
        assertArrayEquals(want, read(want.length), "the first event sent, then the rest, in order");
        assertEquals(3, writes.get(), "the second and third through the pipeline, and the empty write that "
                + "reports the batch on the socket");
        assertEquals(1, flushes.get(), "one flush at the batch's end");
    }

    @Test
    void anEventWithACursorOfItsOwnGoesThroughThePipeline() throws Exception {
        connect(0, 0);
        Event e = event(4, "mine");
        assertTrue(batch(List.of(e), "own-cursor"));
        ByteBuf own = e.encode(PooledByteBufAllocator.DEFAULT, Envelopes.Format.SSE, CURSORS.single(0), "own-cursor", false, 0);
        byte[] want = ByteBufUtil.getBytes(own);
        own.release();
        assertArrayEquals(want, read(want.length));
        assertEquals(2, writes.get(), "its own encoding and the empty write that reports the batch on the socket");
    }

    @Test
    void whatTheSocketDoesNotTakeFollowsThroughThePipelineAndNothingOvertakesIt() throws Exception {
        connect(8 * 1024, 8 * 1024);
        String big = "x".repeat(64 * 1024);
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Event e = event(i, big + i);
            sent.add(e);
            batch(List.of(e), null); // one event a batch: each would go straight out if nothing were queued
            if (i == 0) {
                assertEquals(2, writes.get(), "the first event: what the socket did not take through the pipeline, "
                        + "and the empty write that reports it written");
            }
        }
        assertEquals(2 * 12, writes.get(), "the client reads nothing yet: everything after the first event's "
                + "first part waits in the pipeline's queue");
        byte[] want = concat(sent);
        assertArrayEquals(want, read(want.length), "every byte, in order");
        // Once the queue has drained, a batch of one goes straight out again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (onLoop(() -> child.unsafe().outboundBuffer().totalPendingWriteBytes()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        int before = writes.get();
        Event last = event(99, "after");
        batch(List.of(last), null);
        assertArrayEquals(sse(last), read(sse(last).length));
        assertEquals(before, writes.get(), "straight to the socket once nothing is queued");
    }

    @Test
    void aFailedSendLeavesTheConnectionToThePipelineWhichClosesIt() throws Exception {
        connect(0, 0);
        client.setSoLinger(true, 0);
        client.close(); // a reset: the next write fails
        for (int i = 0; i < 3 && child.isOpen(); i++) {
            Event e = event(5 + i, "late");
            batch(List.of(e), null);
            Thread.sleep(20);
        }
        assertTrue(child.closeFuture().await(10, TimeUnit.SECONDS), "the connection is closed");
        Event e = event(9, "closed");
        // A closed connection takes nothing and holds nothing (the references are checked after each
        // test); a writer that threw would fail the batch here.
        batch(List.of(e, e), null);
    }
}
