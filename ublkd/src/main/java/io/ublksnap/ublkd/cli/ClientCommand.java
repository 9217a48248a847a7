package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.Main;
import io.ublksnap.ublkd.control.ControlClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

import java.util.LinkedHashMap;
import java.util.Map;
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

    protected Object call(String op, Object... keyValues) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("op", op);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                req.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return new ControlClient(main.socket).call(req);
    }
}
