/*
 * irq.c: interrupt controllers and dispatch on x86_64.
 *
 * The legacy 8259 PICs are remapped to vectors 32-47 and fully masked, so
 * the only interrupts they can still raise are spurious ones, which are
 * recognised (in-service bit clear) and counted.  Each CPU's local APIC is
 * enabled through its spurious-vector register, in xAPIC (MMIO) or x2APIC
 * (MSR) mode, whichever the firmware left it in.  Every I/O APIC input
 * starts masked; irq_attach_gsi() routes one, with the polarity and trigger
 * mode ACPI gives, to a vector derived from its GSI.  The ACPI view comes
 * from acpi_parse(); without a MADT the usual PC addresses are used.
 */
#include <arch/apic.h>
#include <arch/cpu_frame.h>
#include <arch/io.h>
#include <kernel/error.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>
#include <kernel/vm.h>

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIC_VECTOR_BASE 32
#define PIC_READ_ISR 0x0B

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define SVR_ENABLE (1u << 8)

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    uint32_t inputs;
};

struct handler {
    irq_handler_t fn;
    void *ctx;
};

static volatile uint32_t *lapic_mmio;
static bool x2apic;
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static size_t ioapic_count;
static struct handler handlers[256];
static struct irq_stats stats;
static spinlock_t route_lock = SPINLOCK_INIT;

uint32_t lapic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(0x800 + reg / 16);
    return lapic_mmio[reg / 4];
}

void lapic_write(uint32_t reg, uint32_t value)
{
    if (x2apic)
        wrmsr(0x800 + reg / 16, value);
    else
        lapic_mmio[reg / 4] = value;
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint32_t irq_cpu_id(void)
{
    uint32_t id = lapic_read(LAPIC_ID);
    return x2apic ? id : id >> 24;
}

static void pic_remap_and_mask(void)
{
    outb(PIC1_CMD, 0x11);              /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, PIC_VECTOR_BASE);  /* ICW2: vector bases */
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    outb(PIC1_DATA, 0x04);             /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);             /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xFF);             /* mask everything */
    outb(PIC2_DATA, 0xFF);
}

static uint8_t pic_isr(uint16_t cmd_port)
{
    outb(cmd_port, PIC_READ_ISR);
    return inb(cmd_port);
}

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    return io->regs[IOAPIC_WINDOW / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    io->regs[IOAPIC_WINDOW / 4] = value;
}

static struct ioapic *ioapic_for(uint32_t gsi, uint32_t *pin)
{
    for (size_t i = 0; i < ioapic_count; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi - ioapics[i].gsi_base < ioapics[i].inputs) {
            *pin = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    }
    return NULL;
}

static int lapic_init(uint64_t phys)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    x2apic = base & APIC_BASE_X2APIC;
    if (!x2apic) {
        lapic_mmio = vm_map_physical(phys, 0x1000, VM_CACHE_UC);
        if (!lapic_mmio)
            return E_NOMEM;
    }
    if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, SVR_ENABLE | IRQ_VECTOR_SPURIOUS);
    return E_OK;
}

/* LINT pins wired to NMI by the MADT (usually LINT1) are set up as NMIs;
 * the rest stay masked, as the 8259 is not used through LINT0. */
static void lapic_lints(const struct acpi_info *acpi)
{
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    for (size_t i = 0; i < acpi->lapic_nmi_count; i++) {
        const struct acpi_lapic_nmi *n = &acpi->lapic_nmis[i];
        uint32_t lvt = LVT_NMI | ((n->flags & ACPI_IRQ_ACTIVE_LOW) ? LVT_ACTIVE_LOW : 0);
        if (n->lint <= 1)
            lapic_write(n->lint ? LAPIC_LVT_LINT1 : LAPIC_LVT_LINT0, lvt);
    }
}

int irq_init(const struct acpi_info *acpi)
{
    pic_remap_and_mask();
    int err = lapic_init(acpi->lapic_addr);
    if (err) {
        log_error("irq: cannot map the local APIC at %#llx",
                  (unsigned long long)acpi->lapic_addr);
        return err;
    }
    lapic_lints(acpi);

    struct acpi_ioapic fallback = { 0, ACPI_DEFAULT_IOAPIC_ADDR, 0 };
    const struct acpi_ioapic *list = acpi->ioapic_count ? acpi->ioapics : &fallback;
    size_t count = acpi->ioapic_count ? acpi->ioapic_count : 1;
    if (!acpi->ioapic_count)
        log_warn("irq: no I/O APIC listed; assuming one at %#x", ACPI_DEFAULT_IOAPIC_ADDR);
    for (size_t i = 0; i < count; i++) {
        struct ioapic *io = &ioapics[ioapic_count];
        io->regs = vm_map_physical(list[i].addr, 0x1000, VM_CACHE_UC);
        if (!io->regs) {
            log_warn("irq: cannot map the I/O APIC at %#x; skipped", list[i].addr);
            continue;
        }
        io->gsi_base = list[i].gsi_base;
        io->inputs = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xFF) + 1;
        for (uint32_t pin = 0; pin < io->inputs; pin++)
            ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
        ioapic_count++;
    }
    log_info("irq: local APIC %u (%s), %zu I/O APIC%s, 8259 PIC masked",
             irq_cpu_id(), x2apic ? "x2APIC" : "xAPIC", ioapic_count,
             ioapic_count == 1 ? "" : "s");
    return E_OK;
}

int irq_attach_gsi(uint32_t gsi, unsigned acpi_flags, irq_handler_t fn, void *ctx)
{
    uint32_t pin;
    if (!fn || gsi >= IRQ_MAX_GSI)
        return E_INVAL;
    struct ioapic *io = ioapic_for(gsi, &pin);
    if (!io)
        return E_RANGE;
    unsigned vector = IRQ_VECTOR_GSI_BASE + gsi;
    spin_lock(&route_lock);
    if (handlers[vector].fn) {
        spin_unlock(&route_lock);
        return E_BUSY;
    }
    handlers[vector] = (struct handler){ fn, ctx };
    uint32_t low = vector | ((acpi_flags & ACPI_IRQ_LEVEL) ? REDIR_LEVEL : 0) |
                   ((acpi_flags & ACPI_IRQ_ACTIVE_LOW) ? REDIR_ACTIVE_LOW : 0);
    ioapic_write(io, IOAPIC_REDIR(pin) + 1, irq_cpu_id() << 24);
    ioapic_write(io, IOAPIC_REDIR(pin), low);
    spin_unlock(&route_lock);
    return E_OK;
}

int irq_set_masked(uint32_t gsi, bool masked)
{
    uint32_t pin;
    struct ioapic *io = gsi < IRQ_MAX_GSI ? ioapic_for(gsi, &pin) : NULL;
    if (!io)
        return E_RANGE;
    spin_lock(&route_lock);
    uint32_t low = ioapic_read(io, IOAPIC_REDIR(pin));
    ioapic_write(io, IOAPIC_REDIR(pin), masked ? low | REDIR_MASKED : low & ~REDIR_MASKED);
    spin_unlock(&route_lock);
    return E_OK;
}

int irq_detach_gsi(uint32_t gsi)
{
    uint32_t pin;
    struct ioapic *io = gsi < IRQ_MAX_GSI ? ioapic_for(gsi, &pin) : NULL;
    if (!io)
        return E_RANGE;
    spin_lock(&route_lock);
    ioapic_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
    handlers[IRQ_VECTOR_GSI_BASE + gsi] = (struct handler){ 0 };
    spin_unlock(&route_lock);
    return E_OK;
}

int irq_set_local_handler(unsigned vector, irq_handler_t fn, void *ctx)
{
    if (vector < IRQ_VECTOR_TIMER || vector >= IRQ_VECTOR_SPURIOUS)
        return E_INVAL;
    handlers[vector] = (struct handler){ fn, ctx };
    return E_OK;
}

void irq_dispatch(struct cpu_frame *f);

void irq_dispatch(struct cpu_frame *f)
{
    unsigned vector = (unsigned)f->vector;
    stats.by_vector[vector]++;
    if (vector == IRQ_VECTOR_SPURIOUS) {
        stats.spurious_apic++;  /* no EOI for the spurious vector */
        return;
    }
    if (vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + 16) {
        /* All PIC inputs are masked: only IRQ 7 and 15 can show up, and
         * only spuriously.  A spurious IRQ 15 still needs the master's EOI
         * for the cascade. */
        bool slave = vector >= PIC_VECTOR_BASE + 8;
        uint8_t isr = pic_isr(slave ? PIC2_CMD : PIC1_CMD);
        if (!(isr & 0x80)) {
            stats.spurious_pic++;
            if (slave)
                outb(PIC1_CMD, 0x20);
            return;
        }
        outb(PIC1_CMD, 0x20);
        if (slave)
            outb(PIC2_CMD, 0x20);
        return;
    }
    struct handler h = handlers[vector];
    if (h.fn)
        h.fn(h.ctx);
    else
        log_warn("irq: interrupt on vector %u with no handler", vector);
    lapic_eoi();
    /* After the EOI, so the timer keeps ticking for whoever runs next. */
    if (f->cs & 3)
        thread_user_return();
    else
        sched_preempt_if_needed();
}

const struct irq_stats *irq_stats(void)
{
    return &stats;
}

void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

unsigned long irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

void irq_restore(unsigned long flags)
{
    if (flags & (1ul << 9))
        irq_enable();
}
