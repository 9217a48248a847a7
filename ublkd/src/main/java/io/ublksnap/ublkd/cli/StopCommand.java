package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the daemon gracefully: finish requests in flight, commit metadata, flush, delete the devices.",
        footer = {"", "Merges pause and resume at the next start. Example:", "  ublkd stop"})
public final class StopCommand extends ClientCommand {
    @Override
    public Integer call() throws Exception {
        call(new Request.Stop());
        // Wait until the socket goes away: the devices are gone then.
        for (int i = 0; i < 600 && java.nio.file.Files.exists(main.socket); i++) {
            Thread.sleep(100);
        }
        return 0;
    }
}
