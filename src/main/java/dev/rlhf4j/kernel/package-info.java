/**
 * The rlhf4j Jupyter kernel: Java cells run by JShell inside the kernel's JVM, with the library,
 * Tablesaw and XChart preloaded, so every notebook ({@code notebooks/00-tour} onwards) starts
 * ready. Built on jjava-jupyter (the maintained base of IJava/JJava) for the Jupyter protocol.
 *
 * <ul>
 *   <li>{@link dev.rlhf4j.kernel.Kernel}: the kernel process (what {@code kernel.json} starts).
 *   <li>{@link dev.rlhf4j.kernel.Notebook}: {@code display}, {@code updateDisplay}, {@code input} in cells.
 *   <li>{@link dev.rlhf4j.kernel.Renderers} and {@link dev.rlhf4j.kernel.RecordTables}: how values show
 *       (charts as PNG, tables and records as HTML tables).
 *   <li>{@link dev.rlhf4j.kernel.Magics}: {@code %jars}, {@code %classpath}, {@code %maven}.
 *   <li>{@link dev.rlhf4j.kernel.KernelSpec}: the kernelspec {@code rlhf4j kernel install} writes.
 * </ul>
 */
package dev.rlhf4j.kernel;
