// Imports every rlhf4j notebook starts with. One import per line; an import whose package the
// build does not have (a stage not written yet) is skipped silently.

// The library, stage by stage.
import dev.rlhf4j.core.*;
import dev.rlhf4j.text.*;
import dev.rlhf4j.world.*;
import dev.rlhf4j.model.*;
import dev.rlhf4j.pretrain.*;
import dev.rlhf4j.feedback.*;
import dev.rlhf4j.reward.*;
import dev.rlhf4j.ppo.*;
import dev.rlhf4j.dpo.*;
import dev.rlhf4j.grpo.*;
import dev.rlhf4j.eval.*;
import dev.rlhf4j.loop.*;

// The notebook API: display, render, updateDisplay, input; live charts.
import static dev.rlhf4j.kernel.Notebook.*;
import dev.rlhf4j.kernel.Renderers;
import dev.rlhf4j.kernel.LiveCharts;

// Tables and charts.
import tech.tablesaw.api.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.Styler;

// Tensors.
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;

// The JDK.
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import java.nio.file.*;
import java.io.*;
import java.awt.image.BufferedImage;
