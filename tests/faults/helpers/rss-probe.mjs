// Preloaded with `node --import` into a CLI child by the fault suite: at exit it writes the process's own
// resourceUsage() (maxRSS in KB) to the file named by GONGKAI_FAULT_RSS_FILE. It observes; it changes nothing.
import { writeFileSync } from "node:fs";

const file = process.env.GONGKAI_FAULT_RSS_FILE;
if (file) {
  process.on("exit", () => {
    try {
      writeFileSync(file, JSON.stringify(process.resourceUsage()));
    } catch {
      // nowhere to write: the test reports the missing figure
    }
  });
}
