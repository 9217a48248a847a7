package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;

import io.ublksnap.ublkd.Main;
import io.ublksnap.ublkd.control.ControlClient;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** A command that talks to the running daemon through its control socket. */
public abstract class ClientCommand implements Callable<Integer> {
    @ParentCommand
    protected Main main;

    @Spec
    protected CommandSpec spec;

    /** Standard output of this command line (System.out unless a caller redirected it). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected <R> R call(Request<R> request) {
        return new ControlClient(main.socket).call(request);
    }

    /** A path the user gave, made absolute here: the daemon runs in /, not in the user's directory. */
    static String absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /**
     * A device word of a table line or --origin: a path if it has a '/' (made absolute), else left as
     * it is (an origin's name, or a device number MAJ:MIN).
     */
    static String deviceWord(String word) {
        return word.contains("/") ? absolute(word) : word;
    }

    /** An --id option: a ublk device id (0 to DevInfo.MAX_DEV_ID), or -1 when not given. */
    protected static int devId(Integer id) {
        if (id == null) {
            return io.ublksnap.ffi.DevInfo.ANY_DEV_ID;
        }
        if (id < 0 || id > io.ublksnap.ffi.DevInfo.MAX_DEV_ID) {
            throw new SnapshotException("bad --id " + id + ": a ublk device id is 0 to " + io.ublksnap.ffi.DevInfo.MAX_DEV_ID);
        }
        return id;
    }
}
