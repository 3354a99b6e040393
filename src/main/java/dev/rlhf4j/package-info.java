/**
 * rlhf4j: Reinforcement Learning from Human Feedback, taught by doing it. The stage map, one package
 * per room; arrows point one way (each package imports only those above it in this list):
 *
 * <table>
 *   <caption>Packages by stage</caption>
 *   <tr><th>package</th><th>stage</th><th>what</th><th>notebook</th></tr>
 *   <tr><td>{@link dev.rlhf4j.core}</td><td>all</td><td>seeds, devices, quick mode, running
 *       moments, metrics CSV, atomic files</td><td></td></tr>
 *   <tr><td>{@link dev.rlhf4j.text}</td><td>all</td><td>tokenizers, word normalisation, CSV</td><td></td></tr>
 *   <tr><td>{@link dev.rlhf4j.world}</td><td>data</td><td>the review world and the simulated
 *       human's taste, the true preference every stage is measured against</td><td>00</td></tr>
 *   <tr><td>{@link dev.rlhf4j.model}</td><td>1</td><td>the GPT, sampler with KV cache, log-probs,
 *       optimizer, checkpoints</td><td>01</td></tr>
 *   <tr><td>{@link dev.rlhf4j.pretrain}</td><td>1</td><td>pretraining, domain adaptation, choosing
 *       a pretrained model</td><td>01</td></tr>
 *   <tr><td>{@link dev.rlhf4j.feedback}</td><td>2</td><td>ranking tasks, raters, the feedback log,
 *       pairs, Elo, Bradley–Terry</td><td>02</td></tr>
 *   <tr><td>{@link dev.rlhf4j.reward}</td><td>3</td><td>the reward model and its training</td><td>03</td></tr>
 *   <tr><td>{@link dev.rlhf4j.eval}</td><td>3–5</td><td>win rates and Arena leaderboards of
 *       policies</td><td>04, 05</td></tr>
 *   <tr><td>{@link dev.rlhf4j.ppo}</td><td>4</td><td>PPO with a KL penalty: math, trainer, run</td><td>04</td></tr>
 *   <tr><td>{@link dev.rlhf4j.loop}</td><td>5</td><td>the RLHF loop's rounds, the reward-hacking
 *       lab, the whole pipeline</td><td>05</td></tr>
 *   <tr><td>{@link dev.rlhf4j.kernel}, {@link dev.rlhf4j.cli}, {@link dev.rlhf4j.bench}</td><td></td>
 *       <td>the Jupyter kernel, the command line, benchmarks: on top, nothing imports them</td><td></td></tr>
 * </table>
 */
package dev.rlhf4j;
