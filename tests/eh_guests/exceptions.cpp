// exceptions.cpp - C++ exceptions across frames, thousands of times: a derived class thrown
// several frames down and caught by base reference, rethrown with `throw;`, caught again by
// catch (...); exceptions of multiply and virtually inheriting classes, of std::exception's
// family, of fundamental and pointer types; a new exception thrown from a handler;
// std::exception_ptr kept and thrown again; std::out_of_range from std::vector::at; and
// destructors run during unwinding (RAII counters that must balance). Prints a checksum
// that must equal the native (g++) build's.
//
//   exceptions [ROUNDS]
//   exceptions_threads [THREADS [ROUNDS]]   (built with -DWITH_THREADS) each thread its own loop
//
// Tests: tests/suites/eh_guests.sh builds it natively (g++) and with guest/weft-c++.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <vector>
#ifdef WITH_THREADS
#include <pthread.h>
#endif

// Per thread, so that the threaded build's threads throw and catch at the same time.
static thread_local uint64_t sum;
static void mix(uint64_t v) { sum = (sum ^ v) * 0x100000001b3ull; }

static thread_local long constructed, destroyed; // every Guard made is destroyed, however its frame ends

struct Guard {
    int id;
    explicit Guard(int i) : id(i) { constructed++; }
    ~Guard() { destroyed++; mix(static_cast<uint64_t>(id)); }
};

struct Error : std::exception {
    int code;
    explicit Error(int c) : code(c) {}
    virtual int kind() const { return 1; }
    const char *what() const noexcept override { return "Error"; }
};
struct IoError : Error {
    explicit IoError(int c) : Error(c) {}
    int kind() const override { return 2; }
};
struct ParseError : Error {
    int line;
    ParseError(int c, int l) : Error(c), line(l) {}
    int kind() const override { return 3 + line % 5; }
};
struct DeepParseError : ParseError { // three levels below std::exception
    DeepParseError(int c, int l) : ParseError(c, l) {}
    int kind() const override { return 20; }
};
struct Tagged { // a second base: Error is not at offset 0 of TaggedError
    long tag = 77;
    virtual ~Tagged() {}
};
struct TaggedError : Tagged, IoError {
    explicit TaggedError(int c) : IoError(c) {}
    int kind() const override { return 30 + static_cast<int>(tag % 7); }
};
struct Node { // a virtual base, reached through two paths
    int weight;
    explicit Node(int w) : weight(w) {}
    virtual ~Node() {}
};
struct LeftNode : virtual Node { LeftNode() : Node(0) {} };
struct RightNode : virtual Node { RightNode() : Node(0) {} };
struct Diamond : LeftNode, RightNode {
    explicit Diamond(int w) : Node(w) {}
};

struct Counted { // owns a resource; its destructor throws and catches inside itself
    int v;
    explicit Counted(int x) : v(x) { constructed++; }
    Counted(const Counted &o) : v(o.v) { constructed++; }
    ~Counted() {
        destroyed++;
        try {
            if (v % 4 == 1)
                throw v;
        } catch (int x) {
            mix(static_cast<uint64_t>(x) << 3);
        }
    }
};

static Diamond diamond_thrown(7);

static void fail(unsigned round, int depth) {
    Guard g(depth * 1000 + static_cast<int>(round % 1000));
    if (round == ~0u)
        return; // never: every round throws (but g++ must not call descend endless)
    switch (round % 9) {
    case 0: throw IoError(static_cast<int>(round));
    case 1: throw ParseError(static_cast<int>(round % 50), depth);
    case 2: throw DeepParseError(static_cast<int>(round % 70), depth + 1);
    case 3: throw TaggedError(static_cast<int>(round % 30));
    case 4: throw static_cast<int>(round);
    case 5: throw "a string literal";
    case 6: throw Diamond(static_cast<int>(round % 40));
    case 7: throw &diamond_thrown; // a pointer, caught as a pointer to its virtual base
    default: throw Counted(static_cast<int>(round));
    }
}

static int descend(unsigned round, int depth) {
    Guard g(depth);
    if (depth <= 0) {
        fail(round, depth); // always throws
        return 0;
    }
    return descend(round, depth - 1) + 1;
}

// Catches by base reference, looks at the dynamic type, and rethrows half of them.
static int middle(unsigned round) {
    Guard g(-1);
    try {
        return descend(round, static_cast<int>(round % 6) + 1);
    } catch (const Error &e) {
        mix(static_cast<uint64_t>(e.kind() * 100 + e.code));
        if (round % 2)
            throw; // the same object, still its derived type
        return e.kind();
    } catch (const Node &n) {
        mix(static_cast<uint64_t>(n.weight) + 5000);
        return n.weight;
    } catch (Node *n) {
        mix(static_cast<uint64_t>(n->weight) + 6000);
        throw;
    } catch (int x) {
        if (x % 3 == 0)
            throw Error(x / 3); // a new exception from inside a handler
        return -x;
    }
}

static int outer(unsigned round) {
    try {
        return middle(round);
    } catch (const IoError &e) {
        mix(static_cast<uint64_t>(e.code) + 1);
        return 1000 + e.kind();
    } catch (const std::exception &e) {
        mix(static_cast<uint64_t>(e.what()[0]));
        try {
            throw; // rethrown again, one level further
        } catch (const ParseError &p) {
            return 2000 + p.line;
        } catch (...) {
            return 2500;
        }
    } catch (const char *s) {
        mix(static_cast<uint64_t>(s[2]));
        return 3000;
    } catch (...) {
        return 4000;
    }
}

// std::exception_ptr: an exception kept past its handler and thrown again twice, and one
// made without a throw.
static int replay(unsigned round) {
    std::exception_ptr kept;
    try {
        descend(round, 2);
    } catch (...) {
        kept = std::current_exception();
    }
    int r = 0;
    for (int k = 0; k < 2; k++) {
        try {
            std::rethrow_exception(kept);
        } catch (const Error &e) {
            r += e.code + e.kind();
        } catch (int x) {
            r += x % 1000;
        } catch (...) {
            r += 1;
        }
    }
    try {
        std::rethrow_exception(std::make_exception_ptr(ParseError(r, 4)));
    } catch (const ParseError &p) {
        r += p.line;
    }
    std::vector<int> v(4); // the library throws: std::out_of_range, caught as its base
    try {
        v.at(round % 7) = 1;
        r += 3;
    } catch (const std::logic_error &) {
        r += 300;
    }
    return r;
}

struct Result {
    unsigned seed, rounds;
    long total, constructed, destroyed;
    uint64_t sum;
};

static void run(Result *res) {
    sum = 0xcbf29ce484222325ull ^ res->seed;
    constructed = destroyed = 0;
    long total = 0;
    for (unsigned i = 0; i < res->rounds; i++) {
        int r = outer((i * 7919u + res->seed) % 100003u);
        total += r;
        mix(static_cast<uint64_t>(static_cast<int64_t>(r)));
        if (i % 16 == 0)
            mix(static_cast<uint64_t>(replay(i + res->seed)));
    }
    res->total = total;
    res->constructed = constructed;
    res->destroyed = destroyed;
    res->sum = sum;
}

static bool report(const Result &r) {
    std::printf("seed %u: rounds %u, total %ld, guards %ld made %ld destroyed, checksum %016llx\n", r.seed, r.rounds,
                r.total, r.constructed, r.destroyed, static_cast<unsigned long long>(r.sum));
    return r.constructed == r.destroyed;
}

#ifdef WITH_THREADS
static void *thread_main(void *arg) {
    run(static_cast<Result *>(arg));
    return nullptr;
}

int main(int argc, char **argv) {
    unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 4;
    unsigned rounds = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 5000;
    if (threads < 1 || threads > 64)
        threads = 4;
    Result results[64];
    pthread_t ids[64];
    for (unsigned t = 0; t < threads; t++) {
        results[t] = Result{t + 1, rounds, 0, 0, 0, 0};
        if (pthread_create(&ids[t], nullptr, thread_main, &results[t]) != 0) {
            std::fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    bool balanced = true;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(ids[t], nullptr);
        balanced = report(results[t]) && balanced;
    }
    return balanced ? 0 : 1;
}
#else
int main(int argc, char **argv) {
    Result r{0, argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 20000, 0, 0, 0, 0};
    run(&r);
    return report(r) ? 0 : 1;
}
#endif
