package dev.fanfare.gateway.transport;

/** A request a connection holds open without a thread: it ends by an answer or a cancel. */
public interface ParkedRequest {

    /** Answers now with what it has (for instance: another request arrived on the connection). */
    void answerNow();

    /** Ends without answering: the connection is gone. */
    void cancel();
}
