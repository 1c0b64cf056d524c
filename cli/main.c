/*
 * main.c - the holoflow command (placeholder until the CLI lands).
 */
#include <stdio.h>

#include "holoflow.h"

int main(void)
{
    printf("holoflow %s\n", hf_version());
    return 0;
}
