import CoachingCore
import Glibc

/// Online CPUs as the OS reports them.
func sysconfValue() -> Int {
    sysconf(Int32(_SC_NPROCESSORS_ONLN))
}
