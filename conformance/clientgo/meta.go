package main

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func metaOf(obj runtime.Object) (metav1.Object, error) {
	return meta.Accessor(obj)
}
