/* fuel_plan.c - where both tiers charge fuel, and how much (see instr.h). */
#include <string.h>

#include "instr.h"

static bool fuel_open(wi_fuel_plan *p, size_t offset)
{
    if (p->n == p->cap && !xgrow((void **)&p->v, &p->cap, p->n + 1, sizeof *p->v))
        return false;
    p->v[p->n].offset = offset;
    p->v[p->n].cost = 0;
    p->n++;
    return true;
}

static bool fuel_ends_flow(uint32_t op)
{
    return op == 0x00 || op == 0x0C || op == 0x0E || op == 0x0F; /* unreachable br br_table return */
}

bool wi_fuel_plan_make(wi_fuel_plan *p, const weft_module *m, uint32_t defidx)
{
    const wm_func *fn = &m->funcs[defidx];
    wi_targets targets = {0};
    size_t *outer = NULL;  /* per open block: the region its start belongs to */
    size_t nfr = 0, capfr = 0;
    size_t cur = 0;        /* the region being counted */
    bool open = true;      /* the next instruction starts a new region */
    bool dead = false;     /* unreachable code, since a branch at block depth dead_nfr */
    size_t dead_nfr = 0;
    wr_reader r;
    wi_instr in;
    bool ok = true;

    p->n = p->next = 0;
    wr_init(&r, m->bytes + fn->body_offset, fn->body_end - fn->body_offset, fn->body_offset);
    while (ok) {
        if (!wi_read(&r, &in, &targets)) {
            weft_error_free(r.err);
            r.err = NULL;
            ok = false;
            break;
        }
        if (open) {
            if (!(ok = fuel_open(p, in.offset)))
                break;
            cur = p->n - 1;
            open = false;
        }
        uint32_t op = in.op;
        if (op == 0x02 || op == 0x03 || op == 0x04) { /* block, loop, if */
            if (nfr == capfr && !(ok = xgrow((void **)&outer, &capfr, nfr + 1, sizeof *outer)))
                break;
            if (!dead && op == 0x04)
                p->v[cur].cost++;
            outer[nfr++] = cur;
            open = !dead && op != 0x02; /* a loop's body and an if's arm are regions */
        } else if (op == 0x05) {        /* else: the other arm is a region */
            if (dead && dead_nfr == nfr)
                dead = false;
            open = !dead;
        } else if (op == 0x0B) {        /* end: what follows counts in the region around */
            if (nfr == 0)
                break;                  /* the body's end */
            if (dead && dead_nfr == nfr)
                dead = false;
            cur = outer[--nfr];
            open = false;
        } else if (!dead) {
            p->v[cur].cost++;
            if (fuel_ends_flow(op)) {
                dead = true;
                dead_nfr = nfr;
            }
        }
    }
    wi_targets_free(&targets);
    free(outer);
    /* regions that cost nothing are not charged */
    size_t k = 0;
    for (size_t i = 0; ok && i < p->n; i++)
        if (p->v[i].cost)
            p->v[k++] = p->v[i];
    p->n = ok ? k : 0;
    return ok;
}

uint32_t wi_fuel_at(wi_fuel_plan *p, size_t offset)
{
    while (p->next < p->n && p->v[p->next].offset < offset)
        p->next++;
    if (p->next < p->n && p->v[p->next].offset == offset)
        return p->v[p->next++].cost;
    return 0;
}

void wi_fuel_plan_free(wi_fuel_plan *p)
{
    free(p->v);
    memset(p, 0, sizeof *p);
}
