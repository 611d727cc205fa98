package dev.fanfare.gateway.transport;

import dev.fanfare.gateway.core.Envelopes;
import dev.fanfare.gateway.core.Event;
import dev.fanfare.gateway.core.PartitionSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;

/**
 * A streaming session's events, batch by batch. A live batch to one subscriber is mostly one event:
 * when nothing is queued on the connection, a batch's first event goes to the socket in one
 * {@code send} from the connection's loop, straight from the event's shared bytes: no duplicate
 * buffer, no outbound entry, no flush through the pipeline, and no reference stored into the
 * connection's long-lived objects for the collector to track (under G1, refining the cards those
 * stores dirtied took 14 % of a node at 10,000 subscribers). Everything else goes through the
 * context as before: the rest of a batch of several (one {@code writev} at its end), what the
 * socket did not take, events with a cursor or a snapshot of their own, a socket that failed
 * (Netty's write meets the same error and closes the connection), transports other than epoll (the
 * tests' {@code EmbeddedChannel} among them). A send happens only when the connection's outbound
 * buffer is empty, so the bytes reach the wire in the order they were written, whichever way each
 * went. The connection's loop only.
 */
public final class BatchWriter {
    private final ChannelHandlerContext ctx;
    private final Socket socket; // null: not an epoll socket, everything through the pipeline
    private boolean first;

    /** @param ctx where the events enter the pipeline when they do not go straight to the socket */
    public BatchWriter(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.socket = ctx.channel() instanceof EpollSocketChannel ch && ch.fd() instanceof Socket s ? s : null;
    }

    /** A batch begins: its first event may go straight to the socket. */
    public void begin() {
        first = true;
    }

    /**
     * Writes {@code e} as {@link Event#encode} makes it for this subscriber, without flushing
     * (unless it went straight to the socket).
     *
     * @return the event's bytes
     */
    public int write(Event e, Envelopes.Format format, PartitionSet set, String cursor, boolean snapshot,
                     long conflated) {
        if (first) {
            first = false;
            ByteBuf shared = socket != null ? e.sharedBytes(format, set, cursor, snapshot, conflated) : null;
            if (shared != null) {
                int n = shared.readableBytes();
                int sent = sendNow(shared);
                if (sent == n) {
                    return n;
                }
                if (sent > 0) {
                    ctx.write(shared.retainedSlice(shared.readerIndex() + sent, n - sent), ctx.voidPromise());
                    return n;
                }
            }
        }
        ByteBuf b = e.encode(ctx.alloc(), format, set, cursor, snapshot, conflated);
        int n = b.readableBytes();
        ctx.write(b, ctx.voidPromise());
        return n;
    }

    /**
     * Ends a batch: flushes what went through the pipeline; nothing to do when it all went to the socket.
     *
     * @param written null, or to run once the batch's bytes have reached the socket
     */
    public void end(Runnable written) {
        first = false;
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (socket != null && out != null && out.totalPendingWriteBytes() == 0) {
            if (written != null) {
                written.run(); // nothing queued: everything is on the socket already
            }
        } else if (written == null) {
            ctx.flush();
        } else {
            // An empty write after the batch completes once everything before it is on the socket.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> written.run());
        }
    }

    /**
     * Sends {@code b}'s readable bytes (its indices untouched: other loops read the same bytes) if
     * nothing is queued before them. The loop owns the socket, so an open one here is this
     * connection's, not a reused descriptor.
     *
     * @return the bytes sent; 0 when nothing could be (then the pipeline writes them)
     */
    private int sendNow(ByteBuf b) {
        Channel ch = ctx.channel();
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (!b.hasMemoryAddress() || out == null || out.totalPendingWriteBytes() != 0
                || !ch.eventLoop().inEventLoop() || !socket.isOpen()) {
            return 0;
        }
        try {
            return socket.sendAddress(b.memoryAddress(), b.readerIndex(), b.writerIndex());
        } catch (IOException e) {
            return 0; // the connection failed: the pipeline's write meets the same error and closes it
        }
    }
}
