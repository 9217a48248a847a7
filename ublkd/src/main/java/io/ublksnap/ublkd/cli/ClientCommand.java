package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.Main;
import io.ublksnap.ublkd.control.ControlClient;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** A command that talks to the running daemon through its control socket. */
public abstract class ClientCommand implements Callable<Integer> {
    @ParentCommand
    protected Main main;

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
