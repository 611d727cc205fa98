package dev.fanfare.client.load;

/** A load run could not be carried out (gateway unreachable, subscription refused, ...). */
public final class LoadRunException extends Exception {

    public LoadRunException(String message) {
        super(message);
    }

    public LoadRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
