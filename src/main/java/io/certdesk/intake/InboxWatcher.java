package io.certdesk.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the support inbox with IMAP IDLE (RFC 2177) on a connection of its own, so that a new mail starts an
 * intake pass at once instead of at the next poll. When the server lacks IDLE, or the connection drops, the poller's
 * periodic passes carry on alone; a dropped connection is re-opened with backoff (1 s doubling to 1 min), and the
 * drop and the recovery are each logged once.
 */
final class InboxWatcher {

    /** How certdesk learns of new mail right now. */
    enum Mode {
        /** IDLE: the server pushes new mail */
        IDLE,
        /** polling: IDLE is not available or its connection is being re-opened */
        POLLING
    }

    interface Connector {
        Store connect(Duration readTimeout) throws MessagingException;
    }

    private static final Logger log = LoggerFactory.getLogger(InboxWatcher.class);
    /** IDLE is re-issued this often (RFC 2177: at least every 29 minutes; NAT boxes drop quiet connections sooner). */
    static final Duration REFRESH = Duration.ofMinutes(4);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Connector connector;
    private final String folderName;
    private final Runnable newMail;
    private volatile boolean running;
    private volatile Mode mode = Mode.POLLING;
    private volatile String reason = "starting";
    private volatile Instant since = Instant.now();
    private volatile Store store;
    private volatile IMAPFolder folder;
    private Thread thread;
    private ScheduledExecutorService refresher;

    InboxWatcher(Connector connector, String folderName, Runnable newMail) {
        this.connector = connector;
        this.folderName = folderName;
        this.newMail = newMail;
    }

    Mode mode() {
        return mode;
    }

    /** Why the watcher is in its mode, for health. */
    String reason() {
        return reason;
    }

    Instant since() {
        return since;
    }

    void start() {
        running = true;
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "support-inbox-idle-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        thread = new Thread(this::watch, "support-inbox-idle");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (refresher != null) {
            refresher.shutdownNow();
        }
        // closing the connection ends a waiting IDLE; never let a hanging server hold up shutdown
        Thread closer = new Thread(this::close, "support-inbox-idle-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void watch() {
        Duration backoff = Duration.ofSeconds(1);
        boolean dropLogged = false;
        while (running) {
            try {
                Store opened = connector.connect(REFRESH.plusMinutes(1));
                store = opened;
                if (!(opened instanceof IMAPStore imap) || !imap.hasCapability("IDLE")) {
                    switchTo(Mode.POLLING, "the IMAP server does not support IDLE");
                    log.info("The support inbox server does not support IMAP IDLE: new mail is found by polling");
                    close();
                    return;
                }
                IMAPFolder inbox = (IMAPFolder) opened.getFolder(folderName);
                inbox.open(Folder.READ_ONLY);
                inbox.addMessageCountListener(new MessageCountAdapter() {
                    @Override
                    public void messagesAdded(MessageCountEvent event) {
                        newMail.run();
                    }
                });
                folder = inbox;
                switchTo(Mode.IDLE, "the IMAP server pushes new mail (IDLE)");
                if (dropLogged) {
                    log.info("IMAP IDLE on the support inbox is back");
                    dropLogged = false;
                }
                backoff = Duration.ofSeconds(1);
                // mail that arrived while the watcher was away
                newMail.run();
                while (running && inbox.isOpen()) {
                    inbox.idle();
                }
            } catch (MessagingException | RuntimeException e) {
                if (!running) {
                    return;
                }
                switchTo(Mode.POLLING, "IDLE connection lost (" + e.getMessage() + "); re-opening it, polling meanwhile");
                if (!dropLogged) {
                    log.warn("IMAP IDLE on the support inbox failed: {}; polling until it is back", e.toString());
                    dropLogged = true;
                }
            }
            close();
            if (!running) {
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Ends the current IDLE with a NOOP, which also proves the connection alive; the watch loop idles again. */
    private void refresh() {
        IMAPFolder current = folder;
        if (current != null && current.isOpen()) {
            try {
                current.doCommand(protocol -> {
                    protocol.simpleCommand("NOOP", null);
                    return null;
                });
            } catch (MessagingException | RuntimeException broken) {
                // the watch loop notices the broken connection and re-opens it
                close();
            }
        }
    }

    private void switchTo(Mode newMode, String why) {
        if (mode != newMode) {
            since = Instant.now();
        }
        mode = newMode;
        reason = why;
    }

    private void close() {
        folder = null;
        Store current = store;
        store = null;
        if (current != null) {
            try {
                current.close();
            } catch (MessagingException | RuntimeException ignored) {
                // already broken
            }
        }
    }
}
