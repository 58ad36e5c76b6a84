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

bool wi_fuel_plan_make(wi_fuel_plan *p, const weft_module *m, uint32_t defidx)
{
    const wm_func *fn = &m->funcs[defidx];
    wi_targets targets = {0};
    wr_reader r;
    wi_instr in;
    bool ok = true, start = true, counting = false;
    uint32_t depth = 0; /* open blocks: the body ends at the end that closes depth 0 */

    p->n = p->next = 0;
    wr_init(&r, m->bytes + fn->body_offset, fn->body_end - fn->body_offset, fn->body_offset);
    while (ok) {
        if (!wi_read(&r, &in, &targets)) {
            weft_error_free(r.err);
            r.err = NULL;
            ok = false;
            break;
        }
        if (start) {
            if (!fuel_open(p, in.offset)) {
                ok = false;
                break;
            }
            start = false;
            counting = true;
        }
        switch (in.op) {
        case 0x02: /* block: the run goes on inside */
            depth++;
            break;
        case 0x03: case 0x04: /* loop, if: a new run inside */
            depth++;
            if (counting && in.op == 0x04)
                p->v[p->n - 1].cost++;
            start = true;
            break;
        case 0x05: /* else */
            start = true;
            break;
        case 0x0B: /* end */
            start = true;
            break;
        case 0x0D: /* br_if */
            if (counting)
                p->v[p->n - 1].cost++;
            start = true;
            break;
        case 0x00: case 0x0C: case 0x0E: case 0x0F: /* unreachable, br, br_table, return */
            if (counting)
                p->v[p->n - 1].cost++;
            counting = false;
            break;
        default:
            if (counting)
                p->v[p->n - 1].cost++;
        }
        if (in.op == 0x0B && depth-- == 0)
            break;
    }
    wi_targets_free(&targets);
    /* runs that cost nothing are not charged */
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
