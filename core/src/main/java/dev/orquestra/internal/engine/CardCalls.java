package dev.orquestra.internal.engine;

import dev.orquestra.Check;
import dev.orquestra.Pipeline;
import dev.orquestra.Role;
import dev.orquestra.internal.dispatch.BlockingCalls;
import dev.orquestra.internal.dispatch.CallContext;
import dev.orquestra.internal.dispatch.CallInvoker;
import dev.orquestra.spi.Agent;
import dev.orquestra.spi.Debugger;
import dev.orquestra.spi.FailureReport;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.WorkOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Calls the user's agents, validators and debugger for the {@link CardCall}s workers run. */
final class CardCalls implements CallInvoker {

    private final Map<Role, Agent> agents;
    private final Executor blocking;
    private final Map<String, Check> checks = new HashMap<>();
    private final Debugger debugger;

    CardCalls(Map<Role, Agent> agents, Pipeline pipeline, Debugger debugger, Executor blocking) {
        this.blocking = blocking;
        this.agents = Map.copyOf(agents);
        for (Check c : pipeline.checks()) {
            checks.put(c.name(), c);
        }
        this.debugger = debugger;
    }

    @Override
    public CompletionStage<?> invoke(Object call, CallContext ctx) {
        return BlockingCalls.callingWith(blocking, () -> call(call, ctx));
    }

    private CompletionStage<?> call(Object call, CallContext ctx) {
        if (call instanceof CardCall.Work w) {
            return agents.get(w.role()).perform(new WorkOrder(w.spec(), w.attempt(), w.key(), ctx.softDeadline(),
                    ctx.deadline(), ctx.cancellation(), w.corrections()));
        }
        if (call instanceof CardCall.Check c) {
            return checks.get(c.check()).validator().validate(new Submission(c.spec(), c.attempt(), c.check(), c.key(),
                    c.artifacts(), c.earlier(), ctx.softDeadline(), ctx.deadline(), ctx.cancellation()));
        }
        if (call instanceof CardCall.Diagnose d) {
            return debugger.diagnose(new FailureReport(d.spec(), d.attempt(), d.key(), d.reasons(), d.history(),
                    d.corrections(), d.artifacts(), ctx.softDeadline(), ctx.deadline(), ctx.cancellation()));
        }
        throw new IllegalArgumentException("not a card call: " + call);
    }
}
